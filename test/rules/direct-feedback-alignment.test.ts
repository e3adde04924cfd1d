import { describe, expect, it } from 'vitest';
import { createEngine, type MatrixEngine } from '../../src/engines/index.ts';
import { errorAtPotential } from '../../src/nn/layer.ts';
import { Network } from '../../src/nn/network.ts';
import { DirectFeedbackAlignment, directFeedbackMatrices } from '../../src/rules/index.ts';
import { backpropGradient, fixture, maxParamDiff, NETS, zerosLike, type Fixture } from './helpers.ts';

function dfaUpdate(f: Fixture, B: (Float64Array | null)[]) {
  const net = new Network(f.spec, f.params);
  const rule = new DirectFeedbackAlignment(B);
  const u = zerosLike(f.params);
  f.inputs.forEach((x, p) => {
    rule.accumulate(net, x, f.targets[p]!, u);
  });
  return u;
}

describe('direct feedback alignment', () => {
  it('two layers with B⁽¹⁾ = W⁽²⁾ (same layout) is back-prop', () => {
    const f = fixture(NETS.mse2, 1);
    const u = dfaUpdate(f, [Float64Array.from(f.params.layers[1]!.weights), null]);
    expect(maxParamDiff(u, backpropGradient(f))).toBeLessThanOrEqual(1e-15);
  });

  for (const [name, net] of Object.entries(NETS)) {
    it(`${name}: each hidden layer gets g'(z) ⊙ (B e) with e = Δz⁽ᴸ⁾, the output layer gets back-prop`, () => {
      const f = fixture(net, 2, 1);
      const B = directFeedbackMatrices(f.spec, 'dfa-test');
      const u = dfaUpdate(f, B);
      // An independent computation, one hidden unit at a time, from a plain forward pass.
      const ref = new Network(f.spec, f.params);
      const g = zerosLike(f.params);
      ref.backprop(f.inputs[0]!, f.targets[0]!, g);
      const L = ref.layers.length;
      const e = ref.Δz[L - 1]!;
      expect(maxParamDiff({ layers: [u.layers[L - 1]!] }, { layers: [g.layers[L - 1]!] })).toBe(0);
      for (let l = 0; l < L - 1; l++) {
        const layer = ref.layers[l]!;
        const n = layer.outSize;
        const Δy = Float64Array.from({ length: n }, (_, i) => e.reduce((s, ek, k) => s + B[l]![k * n + i]! * ek, 0));
        const Δz = new Float64Array(n);
        errorAtPotential(layer, Δy, Δz);
        const gw = new Float64Array(layer.w.length);
        const gb = new Float64Array(layer.b.length);
        layer.accumulateGradient(ref.layerInput(l), Δz, gw, gb);
        expect(maxParamDiff({ layers: [u.layers[l]!] }, { layers: [{ weights: gw, bias: gb }] })).toBeLessThanOrEqual(
          1e-14,
        );
      }
    });
  }

  it('draws one [n_L][n_l] matrix per hidden layer from the feedback seed, and the engine uses it', () => {
    const f = fixture(NETS.conv, 1);
    const a = directFeedbackMatrices(f.spec, 's1');
    const c = directFeedbackMatrices(f.spec, 's2');
    expect(a.map((b) => b?.length ?? null)).toEqual([4 * 3 * 3 * 3, 4 * 2 * 2 * 2, null]);
    expect(Array.from(a[0]!)).not.toEqual(Array.from(c[0]!));
    const engine = createEngine('matrix', f.spec, f.params, {
      rule: 'direct-feedback-alignment',
      feedbackSeed: 's1',
    }) as MatrixEngine;
    expect(Array.from((engine.rule as DirectFeedbackAlignment).B[0]!)).toEqual(Array.from(a[0]!));
    expect(maxParamDiff(engine.gradient(f.inputs, f.targets).gradients, dfaUpdate(f, a))).toBe(0);
  });
});
