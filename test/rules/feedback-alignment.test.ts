import { describe, expect, it } from 'vitest';
import { createEngine, MatrixEngine } from '../../src/engines/index.ts';
import { Network } from '../../src/nn/network.ts';
import { FeedbackAlignment, feedbackAlignmentMatrices, layerAngles } from '../../src/rules/index.ts';
import { backpropGradient, fixture, maxParamDiff, NETS, zerosLike, type Fixture } from './helpers.ts';

function faUpdate(f: Fixture, B: (Float64Array | null)[]) {
  const net = new Network(f.spec, f.params);
  const rule = new FeedbackAlignment(B);
  const u = zerosLike(f.params);
  f.inputs.forEach((x, p) => {
    rule.accumulate(net, x, f.targets[p]!, u);
  });
  return u;
}

describe('feedback alignment', () => {
  for (const [name, net] of Object.entries(NETS)) {
    it(`${name}: with B = W it is back-prop; with random B only the output layer is`, () => {
      const f = fixture(net, 3);
      const g = backpropGradient(f);
      const withW = faUpdate(
        f,
        f.params.layers.map((p, l) => (l === 0 ? null : Float64Array.from(p.weights))),
      );
      expect(maxParamDiff(withW, g)).toBeLessThanOrEqual(1e-15);
      const u = faUpdate(f, feedbackAlignmentMatrices(f.spec, 'seed-a'));
      const L = f.params.layers.length;
      expect(maxParamDiff({ layers: [u.layers[L - 1]!] }, { layers: [g.layers[L - 1]!] })).toBe(0);
      expect(layerAngles(u, g)[0]).toBeGreaterThan(1); // the hidden update does differ
    });
  }

  it("draws B from the feedback seed: same seed, same B; another seed, another B; W's shape and scale", () => {
    const f = fixture(NETS.conv, 1);
    const a = feedbackAlignmentMatrices(f.spec, 's1');
    const b = feedbackAlignmentMatrices(f.spec, 's1');
    const c = feedbackAlignmentMatrices(f.spec, 's2');
    expect(a[0]).toBeNull();
    for (let l = 1; l < a.length; l++) {
      expect(a[l]!.length).toBe(f.params.layers[l]!.weights.length);
      expect(Array.from(a[l]!)).toEqual(Array.from(b[l]!));
      expect(
        maxParamDiff(
          { layers: [{ weights: a[l]!, bias: new Float64Array(0) }] },
          { layers: [{ weights: c[l]!, bias: new Float64Array(0) }] },
        ),
      ).toBeGreaterThan(0);
    }
    // The engine's rule uses exactly these matrices, and never W.
    const engine = createEngine('matrix', f.spec, f.params, {
      rule: 'feedback-alignment',
      feedbackSeed: 's1',
    }) as MatrixEngine;
    const rule = engine.rule as FeedbackAlignment;
    expect(Array.from(rule.B[1]!)).toEqual(Array.from(a[1]!));
    expect(maxParamDiff(engine.gradient(f.inputs, f.targets).gradients, faUpdate(f, a))).toBe(0);
  });

  for (const [name, net] of Object.entries(NETS)) {
    it(`${name}: errors() applied straight into W steps as accumulate() through the pending sum, bit for bit`, () => {
      const f = fixture(net, 4, 6);
      const train = (errorsRoad: boolean, seed: string) => {
        const engine = new MatrixEngine(f.spec, f.params, (n) => {
          const fa = new FeedbackAlignment(feedbackAlignmentMatrices(n.spec, seed));
          return errorsRoad ? fa : { name: fa.name, accumulate: (...a) => fa.accumulate(...a) };
        });
        for (const batch of [1, 1, 3, 2]) {
          for (let p = 0; p < batch; p++) engine.learn(f.inputs[p]!, f.targets[p]!);
          engine.step(0.1);
        }
        return engine.snapshot();
      };
      const road = train(true, 's1');
      expect(maxParamDiff(road, train(false, 's1'))).toBe(0);
      expect(maxParamDiff(road, train(false, 's2'))).toBeGreaterThan(0); // another B does show
    });
  }

  it('uses a default seed when none is given, so runs reproduce', () => {
    const f = fixture(NETS.softmax3, 2);
    const one = createEngine('matrix', f.spec, f.params, { rule: 'feedback-alignment' }).gradient(f.inputs, f.targets);
    const two = createEngine('matrix', f.spec, f.params, { rule: 'feedback-alignment' }).gradient(f.inputs, f.targets);
    expect(maxParamDiff(one.gradients, two.gradients)).toBe(0);
  });
});
