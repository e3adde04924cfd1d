import { describe, expect, it } from 'vitest';
import experiment from '../../experiments/08-alignment.ts';
import { context } from './context.ts';

type Budget = (typeof experiment.budgets)['quick'];
const tiny: Budget = { epochs: 1, η: 0.02, seeds: 1, probe: 30, perEpoch: 2 };

interface Data {
  angles: { rule: string; epoch: number; layer: string; angle: number | null }[];
  feedbackAngles: { epoch: number; layer: string; angle: number }[];
  epochs: { rule: string; testAccuracy: number }[];
}

describe('experiment 08 alignment', () => {
  it('measures per-layer angles over training: \
FA and DFA below 90° in the hidden layers after an epoch and exact at the output; merged within a degree', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    const at = (rule: RegExp, layer: number, epoch: number): number =>
      data.angles.find((a) => rule.test(a.rule) && a.layer.startsWith(`layer ${layer}`) && a.epoch === epoch)!.angle!;
    for (const rule of [/^feedback-alignment/, /^direct-feedback-alignment/]) {
      for (const layer of [1, 2]) expect(at(rule, layer, 1)).toBeLessThan(90);
      expect(at(rule, 3, 1)).toBeLessThan(1e-6);
    }
    for (const layer of [1, 2, 3]) expect(at(/^merged/, layer, 1)).toBeLessThan(1);
    // Measured before training and twice more per epoch (the last at the epoch's end): 3 times per rule and layer.
    expect(data.angles.filter((a) => /^predictive-coding/.test(a.rule) && a.layer.startsWith('layer 1'))).toHaveLength(
      3,
    );
    // FA's W–B angle: layers 2 and 3 only (layer 1 has no feedback matrix), and it falls.
    const fb = (layer: number, epoch: number): number =>
      data.feedbackAngles.find((f) => f.layer.startsWith(`layer ${layer}`) && f.epoch === epoch)!.angle;
    expect(data.feedbackAngles.some((f) => f.layer.startsWith('layer 1'))).toBe(false);
    expect(fb(3, 1)).toBeLessThan(fb(3, 0));
    for (const e of data.epochs) expect(e.testAccuracy).toBeGreaterThan(0.5);
    expect(Object.keys(result.specs)).toEqual(['update-angle', 'feedback-angle', 'accuracy']);
  });
});
