import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src/core/random.ts';
import { maxAbsDiff } from '../../src/core/tensor.ts';
import { Conv } from '../../src/nn/conv.ts';
import { Network } from '../../src/nn/network.ts';
import { initParams } from '../../src/nn/params.ts';
import { convOutputSize, parseNetSpec, resolveLayers, type ConvSpec, type ResolvedLayer } from '../../src/nn/spec.ts';
import { expectSame } from '../helpers/same-numbers.ts';

interface Case {
  C: number;
  H: number;
  W: number;
  F: number;
  K: number;
  s: number;
  p: number;
}

/** A random conv layer: several channels and filters, kernel 1–4, stride 1–3, padding 0–2, non-square input. */
function randomCase(random: Random): Case {
  for (;;) {
    const c: Case = {
      C: 1 + random.int(3),
      H: 1 + random.int(9),
      W: 1 + random.int(9),
      F: 1 + random.int(4),
      K: 1 + random.int(4),
      s: 1 + random.int(3),
      p: random.int(3),
    };
    if (c.K <= c.H + 2 * c.p && c.K <= c.W + 2 * c.p) return c;
  }
}

function makeConv(c: Case, random: Random): Conv {
  const spec = parseNetSpec({
    input: [c.C, c.H, c.W],
    layers: [{ type: 'conv', filters: c.F, kernel: c.K, stride: c.s, padding: c.p }],
    loss: 'mse',
  });
  const layer = resolveLayers(spec)[0] as ResolvedLayer & ConvSpec;
  const w = Float64Array.from({ length: c.F * c.C * c.K * c.K }, () => random.normal());
  const b = Float64Array.from({ length: c.F }, () => random.normal());
  return new Conv(layer, w, b);
}

const CASES = 60;

describe('conv backward: push and gather', () => {
  it(`agree to ≤ 1e-12 over ${CASES} random shapes`, () => {
    const random = createRandom('conv push gather');
    let strided = 0;
    let padded = 0;
    for (let n = 0; n < CASES; n++) {
      const c = randomCase(random);
      const conv = makeConv(c, random);
      expect(conv.OH).toBe(convOutputSize(c.H, c.K, c.s, c.p));
      expect(conv.OW).toBe(convOutputSize(c.W, c.K, c.s, c.p));
      const Δz = Float64Array.from({ length: conv.outSize }, () => random.normal());
      const pushed = new Float64Array(conv.inSize).fill(NaN);
      const gathered = new Float64Array(conv.inSize).fill(NaN);
      conv.pushError(Δz, pushed);
      conv.gatherError(Δz, gathered);
      expect(maxAbsDiff(pushed, gathered), JSON.stringify(c)).toBeLessThanOrEqual(1e-12);
      if (c.s > 1) strided++;
      if (c.p > 0) padded++;
    }
    // The random shapes did exercise stride and padding.
    expect(strided).toBeGreaterThan(CASES / 3);
    expect(padded).toBeGreaterThan(CASES / 3);
  });

  it('both equal Mᵀ Δz, with M the matrix of the forward map read off with unit inputs', () => {
    const random = createRandom('conv matrix');
    for (let n = 0; n < 20; n++) {
      const c = randomCase(random);
      const conv = makeConv(c, random);
      conv.b.fill(0);
      // Column i of M: the forward response (identity activation, no bias) to the unit input e_i.
      const M: Float64Array[] = [];
      for (let i = 0; i < conv.inSize; i++) {
        const e = new Float64Array(conv.inSize);
        e[i] = 1;
        conv.forward(e);
        M.push(Float64Array.from(conv.y));
      }
      const Δz = Float64Array.from({ length: conv.outSize }, () => random.normal());
      const expected = M.map((column) => column.reduce((s, m, o) => s + m * Δz[o]!, 0));
      for (const form of ['push', 'gather'] as const) {
        const Δx = new Float64Array(conv.inSize);
        if (form === 'push') conv.pushError(Δz, Δx);
        else conv.gatherError(Δz, Δx);
        expect(maxAbsDiff(Δx, expected), `${form} ${JSON.stringify(c)}`).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it('a conv+conv+dense network gives the same gradients with either backward form', () => {
    const spec = parseNetSpec({
      input: [2, 9, 7],
      layers: [
        { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'tanh' },
        { type: 'conv', filters: 2, kernel: 2, stride: 1, padding: 2, activation: 'softplus' },
        { type: 'dense', units: 4, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const random = createRandom('conv network');
    const params = initParams(spec, random.derive('init'));
    const inputs = Array.from({ length: 3 }, () => Float64Array.from({ length: 2 * 9 * 7 }, () => random.normal()));
    const targets = [0, 3, 1].map((k) => Float64Array.from({ length: 4 }, (_, j) => (j === k ? 1 : 0)));
    const push = new Network(spec, params, { convBackward: 'push' }).gradient(inputs, targets).gradients;
    const gather = new Network(spec, params, { convBackward: 'gather' }).gradient(inputs, targets).gradients;
    push.layers.forEach((g, l) => {
      expect(maxAbsDiff(g.weights, gather.layers[l]!.weights)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(g.bias, gather.layers[l]!.bias)).toBeLessThanOrEqual(1e-12);
    });
    // The first layer's gradient depends on the pushed-back error, and is not trivially zero.
    expect(push.layers[0]!.weights.some((v) => Math.abs(v) > 1e-6)).toBe(true);
  });
});

describe('Conv.backward: one loop nest for the gradient and the pushed error', () => {
  it('forms the same numbers together as each alone, and as the plain sums over (output, kernel tap) pairs', () => {
    const random = createRandom('conv backward');
    for (let n = 0; n < 20; n++) {
      const conv = makeConv(randomCase(random), random);
      const x = Float64Array.from({ length: conv.inSize }, () => random.normal());
      const Δz = Float64Array.from({ length: conv.outSize }, () => random.normal());
      const noise = (a: Float64Array) => Float64Array.from(a, () => random.normal());
      const start = { weights: noise(conv.w), bias: noise(conv.b) };
      const fresh = () => ({ weights: start.weights.slice(), bias: start.bias.slice() });
      const both = fresh(),
        bothΔx = new Float64Array(conv.inSize).fill(NaN);
      conv.backward(x, Δz, both, bothΔx);
      const alone = fresh(),
        aloneΔx = new Float64Array(conv.inSize).fill(NaN);
      conv.backward(x, Δz, alone, null);
      conv.backward(x, Δz, null, aloneΔx);
      expectSame(both.weights, alone.weights);
      expectSame(both.bias, alone.bias);
      expectSame(bothΔx, aloneΔx);
      // The plain sums, in the forward's loop order.
      const expected = fresh(),
        expectedΔx = new Float64Array(conv.inSize);
      for (let f = 0; f < conv.F; f++)
        for (let oy = 0; oy < conv.OH; oy++)
          for (let ox = 0; ox < conv.OW; ox++) {
            const Δzo = Δz[conv.outputIndex(f, oy, ox)]!;
            expected.bias[f] += Δzo;
            for (let c = 0; c < conv.C; c++)
              for (let ky = 0; ky < conv.K; ky++)
                for (let kx = 0; kx < conv.K; kx++) {
                  const i = conv.inputIndex(c, oy, ox, ky, kx);
                  if (i < 0) continue;
                  expected.weights[conv.weightIndex(f, c, ky, kx)] += x[i]! * Δzo;
                  expectedΔx[i] += conv.w[conv.weightIndex(f, c, ky, kx)]! * Δzo;
                }
          }
      expectSame(both.weights, expected.weights);
      expectSame(both.bias, expected.bias);
      expectSame(bothΔx, expectedΔx);
    }
  });
});

/** Whether two arrays hold the same bits: === on every element, and the same sign on every zero. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, k) => v === b[k] && Object.is(v, b[k]));
}

describe('Conv forward and backward: the bits of forwardLoops and backwardLoops', () => {
  const lenet = { C: 6, H: 14, W: 14, F: 16, K: 5, s: 1, p: 0 };
  it('on random shapes (a third unpadded, taking the product form) and a LeNet layer, scale 1 and −η', () => {
    const random = createRandom('conv product form');
    let products = 0;
    for (let n = 0; n < 61; n++) {
      const c = n === 60 ? lenet : n % 3 === 0 ? { ...randomCase(random), p: 0 } : randomCase(random);
      if (c.K > c.H + 2 * c.p || c.K > c.W + 2 * c.p) continue;
      if (c.p === 0) products++;
      const conv = makeConv(c, random);
      const x = Float64Array.from({ length: conv.inSize }, () => (random.uniform() < 0.2 ? 0 : random.normal()));
      const Δz = Float64Array.from({ length: conv.outSize }, () => (random.uniform() < 0.3 ? 0 : random.normal()));
      conv.forwardLoops(x);
      const z = conv.z.slice();
      conv.z.fill(NaN);
      conv.forward(x);
      expect(sameBits(conv.z, z), `forward ${JSON.stringify(c)}`).toBe(true);
      for (const scale of [1, -0.05]) {
        const start = {
          weights: Float64Array.from(conv.w, () => random.normal()),
          bias: Float64Array.from(conv.b, () => random.normal()),
        };
        const fast = { weights: start.weights.slice(), bias: start.bias.slice() },
          loops = { weights: start.weights.slice(), bias: start.bias.slice() };
        const fastΔx = new Float64Array(conv.inSize).fill(NaN),
          loopsΔx = new Float64Array(conv.inSize).fill(NaN);
        conv.backward(x, Δz, fast, fastΔx, conv.w, scale);
        conv.backwardLoops(x, Δz, loops, loopsΔx, conv.w, scale);
        const where = `${JSON.stringify(c)}, scale ${scale}`;
        expect(sameBits(fast.weights, loops.weights), `weights ${where}`).toBe(true);
        expect(sameBits(fast.bias, loops.bias), `bias ${where}`).toBe(true);
        expect(sameBits(fastΔx, loopsΔx), `Δx ${where}`).toBe(true);
      }
    }
    expect(products).toBeGreaterThan(15);
  });

  it('negative control: the gradient summed over positions in decreasing order gives other bits', () => {
    const random = createRandom('conv negative control');
    const conv = makeConv(lenet, random);
    const x = Float64Array.from({ length: conv.inSize }, () => random.normal());
    const Δz = Float64Array.from({ length: conv.outSize }, () => random.normal());
    const g = { weights: new Float64Array(conv.w.length), bias: new Float64Array(conv.b.length) };
    conv.backward(x, Δz, g, null);
    const reversed = new Float64Array(conv.w.length);
    const positions = conv.OH * conv.OW;
    for (let f = 0; f < conv.F; f++)
      for (let c = 0; c < conv.C; c++)
        for (let ky = 0; ky < conv.K; ky++)
          for (let kx = 0; kx < conv.K; kx++) {
            let sum = 0;
            for (let o = positions - 1; o >= 0; o--) {
              const oy = Math.floor(o / conv.OW),
                ox = o % conv.OW;
              sum += x[conv.inputIndex(c, oy, ox, ky, kx)]! * Δz[conv.outputIndex(f, oy, ox)]!;
            }
            reversed[conv.weightIndex(f, c, ky, kx)] = sum;
          }
    expect(maxAbsDiff(reversed, g.weights)).toBeLessThan(1e-9);
    expect(sameBits(reversed, g.weights)).toBe(false);
  });
});
