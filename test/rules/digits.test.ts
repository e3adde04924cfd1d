/**
 * FA and DFA against back-prop on digits, with one budget for all three: the 64-32-10 tanh / softmax-CE net,
 * per-pattern SGD, 10 epochs, η = 0.02, the same initial weights, split and pattern order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { loadDigits, splitDataset } from '../../src/data/index.ts';
import { createEngine, type MatrixEngine } from '../../src/engines/index.ts';
import type { RuleName } from '../../src/rules/index.ts';
import { initParams } from '../../src/nn/params.ts';
import { train } from '../../src/nn/sgd.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { feedbackAngles, FeedbackAlignment, updateAlignment } from '../../src/rules/index.ts';

const spec = parseNetSpec(
  JSON.parse(readFileSync(join(import.meta.dirname, '../../nets/digits-64-32-10.net.json'), 'utf8')),
);
const digits = loadDigits();
const { train: trainSet, test: testSet } = splitDataset(digits, createRandom('digits-test').derive('split'));
const probe = { inputs: trainSet.inputs.slice(0, 200), targets: trainSet.targets.slice(0, 200) };
const params = initParams(spec, createRandom('digits-test').derive('init'));
const EPOCHS = 10;
const η = 0.02;

const runs = new Map<RuleName, ReturnType<typeof trainWith>>();
/** Each rule trains once; the tests below read its record. */
function run(rule: RuleName) {
  if (!runs.has(rule)) runs.set(rule, trainWith(rule));
  return runs.get(rule)!;
}

/**
 * Train with the shared budget; per epoch, the hidden layer's angle between the rule's update and ∂E/∂w over the probe
 * patterns.
 */
function trainWith(rule: RuleName) {
  const engine = createEngine('matrix', spec, params, { rule, feedbackSeed: 'digits-test' }) as MatrixEngine;
  const angle = () => updateAlignment(engine.net, engine.rule, probe.inputs, probe.targets)[0]!;
  const angles = [angle()];
  const feedback: number[] = [];
  const wb = () => feedbackAngles(engine.net.params, (engine.rule as FeedbackAlignment).B)[1]!;
  if (engine.rule instanceof FeedbackAlignment) feedback.push(wb());
  const reports = train(engine, trainSet, testSet, {
    epochs: EPOCHS,
    η,
    batch: 1,
    shuffle: createRandom('digits-test').derive('shuffle'),
    classify: true,
    onEpoch: () => {
      angles.push(angle());
      if (engine.rule instanceof FeedbackAlignment) feedback.push(wb());
    },
  });
  return { accuracy: reports[reports.length - 1]!.test!.accuracy!, angles, feedback };
}

describe('digits, same budget as back-prop', () => {
  it('back-prop (the reference budget) reaches ≥ 90% held-out accuracy', () => {
    const { accuracy, angles } = run('backprop');
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    for (const a of angles) expect(a).toBeLessThan(1e-6);
  });

  for (const rule of ['feedback-alignment', 'direct-feedback-alignment'] as const) {
    it(`${rule} reaches ≥ 90% held-out accuracy, and its hidden update angle to ∂E/∂w falls below 90°`, () => {
      const { accuracy, angles } = run(rule);
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
      // angles[0] is at the initial weights; after every epoch the update descends E (< 90°) and is closer than at the
      // start.
      for (const a of angles.slice(1)) expect(a).toBeLessThan(90);
      expect(angles[angles.length - 1]!).toBeLessThan(angles[0]!);
    });
  }

  it('feedback alignment: W⁽²⁾ turns toward B⁽²⁾ (the angle between them falls from about 90° and stays below)', () => {
    const { feedback } = run('feedback-alignment');
    expect(feedback[0]!).toBeGreaterThan(80); // independent random matrices are nearly orthogonal
    for (const a of feedback.slice(1)) expect(a).toBeLessThan(feedback[0]!);
    expect(feedback[feedback.length - 1]!).toBeLessThan(75);
  });
});
