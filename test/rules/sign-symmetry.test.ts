import { describe, expect, it } from 'vitest';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { Network } from '../../src/nn/network.ts';
import { cloneParams } from '../../src/nn/params.ts';
import {
  createMatrixRule,
  fansOf,
  feedbackAngles,
  fixedSignMagnitudes,
  signFeedbackScales,
  type SignFeedback,
  updateAlignment,
  type MatrixRule,
} from '../../src/rules/index.ts';
import { firstMismatch } from '../agents/compare.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { fixture, maxParamDiff, NETS, POOL_NETS, zerosLike, type Fixture } from './helpers.ts';

const SIGN_RULES = ['usf', 'frsf', 'brsf'] as const;

/** The rule's V⁽ˡ⁾ after one pattern of its backward pass, beside W⁽ˡ⁾. */
type SignRule = (typeof SIGN_RULES)[number];

function feedbackAfterOnePattern(f: Fixture, rule: SignRule): { V: (Float64Array | null)[]; rule: SignFeedback } {
  const net = new Network(f.spec, cloneParams(f.params));
  const r = createMatrixRule({ rule, feedbackSeed: 's' }, net) as SignFeedback;
  r.accumulate(net, f.inputs[0]!, f.targets[0]!, zerosLike(f.params));
  return { V: r.V, rule: r };
}

describe.each(SIGN_RULES)('sign-concordant feedback (%s)', (name) => {
  it("the matrix form's feedback has exactly the sign of W in every layer it pushes through", () => {
    for (const net of [NETS.softmax3, NETS.conv]) {
      const f = fixture(net, 1);
      const { V } = feedbackAfterOnePattern(f, name);
      expect(V[0]).toBeNull();
      for (let l = 1; l < V.length; l++) {
        const w = f.params.layers[l]!.weights;
        for (let k = 0; k < w.length; k++) expect(Math.sign(V[l]![k]!), `layer ${l} [${k}]`).toBe(Math.sign(w[k]!));
        const magnitudes = new Set(Array.from(V[l]!, Math.abs));
        if (name === 'usf') expect([...magnitudes]).toEqual([1]);
        else expect(magnitudes.size).toBeGreaterThan(w.length / 2); // random magnitudes, not ±1
      }
    }
  });

  it('each neuron pushes back along synapse i a value of sign(w_i)·sign(Δz)', () => {
    const f = fixture(NETS.conv, 2);
    const engine = new AgentsEngine(f.spec, f.params, { rule: name });
    // What each neuron sent back, read from its error messages (a message carries its own array).
    const sent = new Map<object, Float64Array>();
    for (const layer of engine.circuit.layers.slice(1)) {
      for (const n of layer.neurons) n.errors.subscribe((m) => m.pushed && sent.set(n, m.pushed));
    }
    engine.learn(f.inputs[0]!, f.targets[0]!);
    let checked = 0;
    for (const layer of engine.circuit.layers.slice(1)) {
      for (const n of layer.neurons) {
        if (n.Δz === 0) continue;
        const pushed = sent.get(n)!;
        for (let t = 0; t < n.w.length; t++) {
          expect(Math.sign(pushed[t]!)).toBe(Math.sign(n.w[t]!) * Math.sign(n.Δz));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('the update angle to back-prop: 0 at the output, neither 0 nor NaN below it', () => {
    const f = fixture(NETS.softmax3, 3);
    const net = new Network(f.spec, cloneParams(f.params));
    const angles = updateAlignment(net, createMatrixRule({ rule: name }, net), f.inputs, f.targets);
    expect(angles[2]).toBeLessThan(1e-6); // the output layer's error is exact
    for (const a of angles.slice(0, 2)) expect(a).toBeGreaterThan(0.1); // not guaranteed under 90° at the start
    // V against W: Σ |v| |w| > 0, always under 90°; for usf, angle(W, sign W) = arccos(‖W‖₁ / (√n ‖W‖₂)).
    const { rule } = feedbackAfterOnePattern(f, name);
    const feedback = feedbackAngles(f.params, rule.V);
    expect(feedback[0]).toBeNull();
    for (const a of feedback.slice(1)) expect(a!).toBeLessThan(90);
    if (name === 'usf') {
      const w = f.params.layers[1]!.weights;
      const l1 = w.reduce((s, v) => s + Math.abs(v), 0);
      const l2 = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
      expect(feedback[1]).toBeCloseTo((Math.acos(l1 / (Math.sqrt(w.length) * l2)) * 180) / Math.PI, 10);
    }
  });
});

describe('fixed and batchwise random magnitudes', () => {
  it('frsf draws |B| from the feedback seed: same seed, same; another seed, another; never negative', () => {
    const f = fixture(NETS.conv, 1);
    const a = fixedSignMagnitudes(f.spec, 's1');
    const c = fixedSignMagnitudes(f.spec, 's2');
    expect(a[0]).toBeNull();
    for (let l = 1; l < a.length; l++) {
      expect(Array.from(a[l]!)).toEqual(Array.from(fixedSignMagnitudes(f.spec, 's1')[l]!));
      expect(Array.from(a[l]!)).not.toEqual(Array.from(c[l]!));
      expect(a[l]!.every((v) => v >= 0)).toBe(true);
    }
  });

  it('brsf redraws |B| at each batch boundary and only there', () => {
    const f = fixture(NETS.softmax3, 1);
    const net = new Network(f.spec, cloneParams(f.params));
    const rule = createMatrixRule({ rule: 'brsf' }, net) as SignFeedback;
    const magnitudes = (): number[] => Array.from(rule.feedback(net, 1), Math.abs);
    const first = magnitudes();
    expect(magnitudes()).toEqual(first);
    rule.batchBoundary();
    const second = magnitudes();
    expect(second).not.toEqual(first);
    const again = createMatrixRule({ rule: 'brsf' }, new Network(f.spec, cloneParams(f.params))) as SignFeedback;
    expect(Array.from(again.feedback(net, 1), Math.abs)).toEqual(first); // the same seed draws the same sequence
  });

  it('negative control: a matrix brsf that never redraws parts from the agents after the second step', () => {
    for (const net of [NETS.softmax3, NETS.conv]) {
      const f = fixture(net, 4, 4);
      const stale = (n: Network): MatrixRule => {
        const r = createMatrixRule({ rule: 'brsf' }, n);
        return { name: r.name, accumulate: (...args) => r.accumulate(...args) };
      };
      const engines = {
        fresh: new MatrixEngine(f.spec, f.params, (n) => createMatrixRule({ rule: 'brsf' }, n)),
        stale: new MatrixEngine(f.spec, f.params, stale),
        agents: new AgentsEngine(f.spec, f.params, { rule: 'brsf' }),
      };
      const diffs: number[][] = [];
      for (let s = 0; s < 2; s++) {
        for (const e of Object.values(engines)) {
          for (let p = 2 * s; p < 2 * s + 2; p++) e.learn(f.inputs[p]!, f.targets[p]!);
        }
        for (const e of Object.values(engines)) e.step(0.3);
        const agents = engines.agents.snapshot();
        diffs.push([maxParamDiff(engines.fresh.snapshot(), agents), maxParamDiff(engines.stale.snapshot(), agents)]);
      }
      expect(diffs[0]![0]).toBeLessThanOrEqual(1e-12);
      expect(diffs[0]![1]).toBeLessThanOrEqual(1e-12); // the first batch uses the first draw in all three
      expect(diffs[1]![0]).toBeLessThanOrEqual(1e-12);
      expect(diffs[1]![1]).toBeGreaterThan(1e-6);
      const [fresh, agents] = [engines.fresh.snapshot(), engines.agents.snapshot()];
      expect(firstMismatch(fresh.layers[0]!.weights, agents.layers[0]!.weights)).toBeNull();
    }
  });
});

describe("usf scaled: BioTorch's s_l = √(2/(fanIn + fanOut)) · sign(W)", () => {
  it("the fans are PyTorch's: a conv layer's fanIn = channels·k·k, fanOut = filters·k·k; dense inputs and units", () => {
    // NETS.conv: [2,6,6] → conv 3 filters 3×3 stride 2 pad 1 → [3,3,3] → conv 2 filters 2×2 → [2,2,2] → dense 4.
    expect(fansOf([3, 2, 3, 3])).toEqual({ fanIn: 18, fanOut: 27 });
    const scales = signFeedbackScales(parseNetSpec(NETS.conv));
    expect(scales).toEqual([Math.sqrt(2 / (2 * 9 + 3 * 9)), Math.sqrt(2 / (3 * 4 + 2 * 4)), Math.sqrt(2 / (8 + 4))]);
    expect(scales[1]).toBeCloseTo(Math.sqrt(0.1), 15);
    // Not the other common fan: fanIn + units (without the receptive field in fanOut) would give √(2/21).
    expect(scales[0]).not.toBeCloseTo(Math.sqrt(2 / (18 + 3)), 3);
    // A pool layer has no weights to scale; the conv after it sees the pool's channels.
    const pooled = signFeedbackScales(parseNetSpec(POOL_NETS.maxPool));
    expect(pooled[1]).toBe(1);
    expect(pooled[2]).toBe(Math.sqrt(2 / (3 * 4 + 2 * 4)));
  });

  it('the matrix rule pushes s_l·sign(W)ᵀΔz, worked out by hand; unscaled it is smaller by exactly 1/s_l', () => {
    const f = fixture(NETS.softmax3, 5);
    const run = (scaled: boolean): Network => {
      const net = new Network(f.spec, cloneParams(f.params));
      createMatrixRule({ rule: 'usf', scaled }, net).accumulate(net, f.inputs[0]!, f.targets[0]!, zerosLike(f.params));
      return net;
    };
    const scaled = run(true);
    const s = [0, Math.sqrt(2 / (7 + 6)), Math.sqrt(2 / (6 + 3))]; // dense 5→7→6→3
    for (const l of [1, 2]) {
      const w = f.params.layers[l]!.weights;
      const Δz = scaled.Δz[l]!;
      const fanIn = w.length / Δz.length;
      const byHand = Array.from({ length: fanIn }, (_, k) => {
        let sum = 0;
        for (let j = 0; j < Δz.length; j++) sum += s[l]! * Math.sign(w[j * fanIn + k]!) * Δz[j]!;
        return sum;
      });
      const pushed = scaled.Δy[l - 1]!;
      for (let k = 0; k < fanIn; k++)
        expect(Math.abs(pushed[k]! - byHand[k]!), `layer ${l} [${k}]`).toBeLessThan(1e-15);
    }
    // Negative control: unit magnitudes. The output layer's Δz is the same, so the error it pushes differs by s_L.
    const unit = run(false);
    expect(Array.from(unit.Δz[2]!)).toEqual(Array.from(scaled.Δz[2]!));
    const top = scaled.Δy[1]!;
    const topUnit = unit.Δy[1]!;
    for (let k = 0; k < top.length; k++) {
      expect(Math.abs(top[k]!)).toBeGreaterThan(1e-6);
      expect(Math.abs(top[k]! - s[2]! * topUnit[k]!)).toBeLessThan(1e-15);
      expect(Math.abs(top[k]! - topUnit[k]!)).toBeGreaterThan(0.1 * Math.abs(topUnit[k]!));
    }
    // Below it, both scales multiply: s_2·s_3 (Δz is linear in Δy).
    for (let k = 0; k < scaled.Δy[0]!.length; k++) {
      expect(scaled.Δy[0]![k]!).toBeCloseTo(s[1]! * s[2]! * unit.Δy[0]![k]!, 14);
    }
  });

  it('agents = matrix ≤ 1e-12 with scaled on dense, conv and conv + pool nets; unit-magnitude agents part from them', () => {
    for (const net of [NETS.softmax3, NETS.conv, POOL_NETS.maxPool, POOL_NETS.averagePool]) {
      const f = fixture(net, 6, 4);
      const engines = {
        matrix: new MatrixEngine(f.spec, f.params, (n) => createMatrixRule({ rule: 'usf', scaled: true }, n)),
        agents: new AgentsEngine(f.spec, f.params, { rule: 'usf', scaled: true }),
        unit: new AgentsEngine(f.spec, f.params, { rule: 'usf' }),
      };
      for (let s = 0; s < 2; s++) {
        for (const e of Object.values(engines)) {
          for (let p = 2 * s; p < 2 * s + 2; p++) e.learn(f.inputs[p]!, f.targets[p]!);
        }
        for (const e of Object.values(engines)) e.step(0.3);
        const matrix = engines.matrix.snapshot();
        expect(maxParamDiff(matrix, engines.agents.snapshot())).toBeLessThanOrEqual(1e-12);
        expect(maxParamDiff(matrix, engines.unit.snapshot())).toBeGreaterThan(1e-6);
      }
    }
  });
});
