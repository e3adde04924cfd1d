/**
 * Random nets and runs for the equivalence property tests (equivalence.test.ts for back-prop,
 * rules.test.ts for the other rules), and the side-by-side training they check: both engines from
 * the same params on the same patterns; after every step every weight and bias agrees to 1e-12, as
 * do E, the predictions, held-out E and the rule's gradient().
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import type { ActivationSpec } from '../../src/nn/activation.ts';
import type { RuleOptions } from '../../src/rules/index.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec, resolveLayers, type NetSpec } from '../../src/nn/spec.ts';
import { bothEngines, close, expectParamsClose, firstMismatch } from './compare.ts';

export const activation: fc.Arbitrary<ActivationSpec> = fc.oneof(
  fc.constantFrom<ActivationSpec>({ name: 'identity' }, { name: 'relu' }, { name: 'softplus' }, { name: 'logistic' }),
  fc
    .record({ a: fc.double({ min: 0.5, max: 2, noNaN: true }), b: fc.double({ min: 0.2, max: 1.5, noNaN: true }) })
    .map(({ a, b }): ActivationSpec => ({ name: 'tanh', a, b })),
);
export const loss = fc.constantFrom('mse' as const, 'softmax-cross-entropy' as const);

/** Softmax-CE needs an identity last layer. */
function finish(spec: NetSpec): NetSpec {
  if (spec.loss === 'softmax-cross-entropy') spec.layers[spec.layers.length - 1]!.activation = { name: 'identity' };
  return parseNetSpec(spec);
}

export const denseNet = fc
  .record({
    input: fc.integer({ min: 1, max: 12 }),
    layers: fc.array(fc.record({ units: fc.integer({ min: 1, max: 12 }), activation }), { minLength: 1, maxLength: 4 }),
    loss,
  })
  .map(({ input, layers, loss }) =>
    finish({ input: [input], layers: layers.map((l) => ({ type: 'dense' as const, ...l })), loss }),
  );

/** 1–2 conv layers (stride 1–2, padding 0–1) that fit their input, then 0–2 dense layers. */
export const convNet = fc
  .record({
    channels: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 2, max: 7 }),
    width: fc.integer({ min: 2, max: 7 }),
    convs: fc.array(
      fc.record({
        filters: fc.integer({ min: 1, max: 4 }),
        kernel: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 2 }),
        padding: fc.integer({ min: 0, max: 1 }),
        activation,
      }),
      { minLength: 1, maxLength: 2 },
    ),
    dense: fc.array(fc.record({ units: fc.integer({ min: 1, max: 8 }), activation }), { minLength: 0, maxLength: 2 }),
    loss,
  })
  .map(({ channels, height, width, convs, dense, loss }) => {
    let [h, w] = [height, width];
    const layers: NetSpec['layers'] = [];
    for (const c of convs) {
      const kernel = Math.min(c.kernel, h + 2 * c.padding, w + 2 * c.padding);
      layers.push({ type: 'conv', ...c, kernel });
      h = Math.floor((h + 2 * c.padding - kernel) / c.stride) + 1;
      w = Math.floor((w + 2 * c.padding - kernel) / c.stride) + 1;
    }
    for (const d of dense) layers.push({ type: 'dense', ...d });
    return finish({ input: [channels, height, width], layers, loss });
  });

export interface Run {
  seed: number;
  batch: number;
  steps: number;
  η: number;
  linearizeRectifiers: boolean;
}

export const run: fc.Arbitrary<Run> = fc.record({
  seed: fc.integer(),
  batch: fc.integer({ min: 1, max: 3 }),
  steps: fc.integer({ min: 2, max: 4 }),
  η: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
  linearizeRectifiers: fc.boolean(),
});

/** Train both engines side by side with `rule`; every E, prediction, weight and bias must agree after every step. */
export function trainSideBySide(spec: NetSpec, r: Run, rule: RuleOptions = { rule: 'backprop' }): void {
  const random = createRandom(r.seed);
  const params = initParams(spec, random.derive('init'));
  // non-zero biases
  for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.5 * random.normal();
  const { matrix, agents } = bothEngines(spec, params, { linearizeRectifiers: r.linearizeRectifiers }, rule);
  const layers = resolveLayers(spec);
  const n = layers[0]!.inShape.reduce((a, b) => a * b, 1);
  const m = layers[layers.length - 1]!.outShape.reduce((a, b) => a * b, 1);
  const pattern = (): { x: Float64Array; t: Float64Array } => {
    const x = Float64Array.from({ length: n }, () => random.normal());
    const t = new Float64Array(m);
    if (spec.loss === 'softmax-cross-entropy') t[random.int(m)] = 1;
    else for (let j = 0; j < m; j++) t[j] = random.normal();
    return { x, t };
  };
  for (let s = 1; s <= r.steps; s++) {
    for (let p = 0; p < r.batch; p++) {
      const { x, t } = pattern();
      const Em = matrix.learn(x, t);
      const Ea = agents.learn(x, t);
      expect(close(Em, Ea), `E at step ${s}: ${Em} vs ${Ea}`).toBe(true);
      expect(firstMismatch(matrix.prediction, agents.prediction), `prediction at step ${s}`).toBeNull();
    }
    matrix.step(r.η);
    agents.step(r.η);
    expectParamsClose(matrix.snapshot(), agents.snapshot(), `after step ${s}`);
  }
  // Held-out evaluation and the gradient of a small batch, weights unchanged by either.
  const batch = [pattern(), pattern()];
  for (const { x, t } of batch) expect(close(matrix.evaluate(x, t), agents.evaluate(x, t))).toBe(true);
  const gm = matrix.gradient(
    batch.map((b) => b.x),
    batch.map((b) => b.t),
  );
  const ga = agents.gradient(
    batch.map((b) => b.x),
    batch.map((b) => b.t),
  );
  expect(close(gm.loss, ga.loss), `gradient loss ${gm.loss} vs ${ga.loss}`).toBe(true);
  gm.outputs.forEach((o, p) => {
    expect(firstMismatch(o, ga.outputs[p]!), `gradient outputs ${p}`).toBeNull();
  });
  expectParamsClose(gm.gradients, ga.gradients, 'gradients');
  expectParamsClose(matrix.snapshot(), agents.snapshot(), 'after gradient()');
}

/**
 * Conv and pool nets: an optional conv, a max or average pool (size 1–3, stride 1–3) that fits, maybe
 * a second pool, then 1–2 dense layers.
 */
export const poolNet = fc
  .record({
    channels: fc.integer({ min: 1, max: 2 }),
    height: fc.integer({ min: 2, max: 8 }),
    width: fc.integer({ min: 2, max: 8 }),
    conv: fc.option(
      fc.record({
        filters: fc.integer({ min: 1, max: 3 }),
        kernel: fc.integer({ min: 1, max: 2 }),
        padding: fc.integer({ min: 0, max: 1 }),
        activation,
      }),
      { nil: undefined },
    ),
    pools: fc.array(
      fc.record({
        mode: fc.constantFrom('max' as const, 'average' as const),
        size: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    dense: fc.array(fc.record({ units: fc.integer({ min: 1, max: 6 }), activation }), { minLength: 1, maxLength: 2 }),
    loss,
  })
  .map(({ channels, height, width, conv, pools, dense, loss }) => {
    let [h, w] = [height, width];
    const layers: NetSpec['layers'] = [];
    if (conv !== undefined) {
      const kernel = Math.min(conv.kernel, h + 2 * conv.padding, w + 2 * conv.padding);
      layers.push({ type: 'conv', ...conv, stride: 1, kernel });
      h = h + 2 * conv.padding - kernel + 1;
      w = w + 2 * conv.padding - kernel + 1;
    }
    for (const p of pools) {
      const size = Math.min(p.size, h, w);
      // As JSON: a pool layer has no activation key.
      layers.push({ type: 'pool', mode: p.mode, size, stride: p.stride } as NetSpec['layers'][number]);
      h = Math.floor((h - size) / p.stride) + 1;
      w = Math.floor((w - size) / p.stride) + 1;
    }
    for (const d of dense) layers.push({ type: 'dense', ...d });
    return finish({ input: [channels, height, width], layers, loss });
  });
