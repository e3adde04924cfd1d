import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { RULE_NAMES, type RuleName } from '../../src/nn/engine.ts';
import { Network } from '../../src/nn/network.ts';
import { createMatrixRule, MERGED_DEFAULTS, PREDICTIVE_CODING_DEFAULTS, type Merged, type PredictiveCoding } from '../../src/rules/index.ts';
import { fixture, NETS } from './helpers.ts';

describe('createMatrixRule', () => {
  const f = fixture(NETS.softmax3, 1);
  const net = new Network(f.spec, f.params);

  it('builds every rule in RULE_NAMES, named after it', () => {
    for (const rule of RULE_NAMES) expect(createMatrixRule({ rule }, net).name).toBe(rule);
  });

  it('fills in defaults', () => {
    const merged = createMatrixRule({ rule: 'merged' }, net) as Merged;
    expect([merged.β, merged.symmetric]).toEqual([MERGED_DEFAULTS.β, MERGED_DEFAULTS.symmetric]);
    const pc = createMatrixRule({ rule: 'predictive-coding' }, net) as PredictiveCoding;
    expect([pc.T, pc.γ, pc.zil]).toEqual([PREDICTIVE_CODING_DEFAULTS.T, PREDICTIVE_CODING_DEFAULTS.γ, false]);
    const zil = createMatrixRule({ rule: 'predictive-coding', zil: true }, net) as PredictiveCoding;
    expect([zil.T, zil.γ]).toEqual([f.spec.layers.length - 1, 1]);
  });

  it('throws InputError for an unknown rule', () => {
    expect(() => createMatrixRule({ rule: 'hebb' as RuleName }, net)).toThrow(InputError);
  });
});
