import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { Network } from '../../src/nn/network.ts';
import {
  createBehaviour,
  createMatrixRule,
  MERGED_DEFAULTS,
  PREDICTIVE_CODING_DEFAULTS,
  RULE_NAMES,
  type Merged,
  type PredictiveCoding,
  type RuleName,
} from '../../src/rules/index.ts';
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

describe('the rules table', () => {
  const f = fixture(NETS.softmax3, 1);
  const net = new Network(f.spec, f.params);

  it('lists the rules once, in the order the experiments and the report use (a new rule comes after these)', () => {
    expect(RULE_NAMES.slice(0, 5)).toEqual([
      'backprop',
      'merged',
      'predictive-coding',
      'feedback-alignment',
      'direct-feedback-alignment',
    ]);
  });

  it('both forms refuse a name that is not in the table with the same one-line InputError', () => {
    for (const name of ['hebb', 'toString', '__proto__', 'constructor']) {
      const message = (build: () => unknown): string => {
        try {
          build();
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return (e as Error).message;
        }
        throw new Error(`${name} was accepted`);
      };
      const matrix = message(() => createMatrixRule({ rule: name as RuleName }, net));
      expect(matrix).toBe(`unknown rule ${JSON.stringify(name)}; expected one of ${RULE_NAMES.join(', ')}`);
      expect(message(() => createBehaviour({ rule: name as RuleName }, f.spec))).toBe(matrix);
    }
  });
});
