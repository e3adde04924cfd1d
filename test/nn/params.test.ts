import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { createRandom } from '../../src/core/random.ts';
import {
  defaultInit,
  initParams,
  initVariance,
  INIT_NAMES,
  paramsFromJSON,
  paramsJsonChunks,
  paramsToJSON,
  type Params,
} from '../../src/nn/params.ts';
import { parseNetSpec, resolveLayers } from '../../src/nn/spec.ts';

const convNet = parseNetSpec({
  input: [2, 6, 5],
  layers: [
    { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'relu' },
    { type: 'dense', units: 4, activation: 'tanh' },
    { type: 'dense', units: 3, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});

const flat = (p: Params): number[][] => p.layers.flatMap((l) => [Array.from(l.weights), Array.from(l.bias)]);

describe('params JSON', () => {
  it('paramsToJSON → JSON text → paramsFromJSON is exact, biases included', () => {
    const random = createRandom('roundtrip');
    const params = initParams(convNet, random);
    // Values JSON must carry exactly: non-zero biases, tiny and huge magnitudes, many digits.
    for (const l of params.layers)
      for (let k = 0; k < l.bias.length; k++) l.bias[k] = random.normal() * 10 ** (random.int(40) - 20);
    params.layers[1]!.weights[0] = 1e-300;
    params.layers[1]!.weights[1] = -123456789.12345679;
    params.layers[1]!.weights[2] = 1 / 3;
    const back = paramsFromJSON(convNet, JSON.parse(JSON.stringify(paramsToJSON(convNet, params))));
    expect(flat(back)).toEqual(flat(params));
  });

  it('writes the README layouts (Formats): conv [filters][inChannels][k][k], dense [units][fanIn]', () => {
    const params = initParams(convNet, createRandom(1));
    const json = paramsToJSON(convNet, params) as {
      layers: { weights: number[][][][] | number[][]; bias: number[] }[];
    };
    const conv = json.layers[0]!.weights as number[][][][];
    expect([conv.length, conv[0]!.length, conv[0]![0]!.length, conv[0]![0]![0]!.length]).toEqual([3, 2, 3, 3]);
    // w[f][c][ky][kx] sits at ((f·C + c)·K + ky)·K + kx in memory.
    expect(conv[2]![1]![0]![2]).toBe(params.layers[0]!.weights[((2 * 2 + 1) * 3 + 0) * 3 + 2]);
    const dense = json.layers[1]!.weights as number[][];
    expect([dense.length, dense[0]!.length]).toEqual([4, 3 * 3 * 3]);
    expect(dense[3]![5]).toBe(params.layers[1]!.weights[3 * 27 + 5]);
  });

  it('rejects wrong shapes, a wrong layer count and non-numbers, naming the layer and both shapes', () => {
    const json = paramsToJSON(convNet, initParams(convNet, createRandom(2))) as {
      layers: { weights: unknown; bias: unknown }[];
    };
    const expectRejected = (bad: unknown, pattern: RegExp): void => {
      expect(() => paramsFromJSON(convNet, bad, 'p.json')).toThrow(InputError);
      expect(() => paramsFromJSON(convNet, bad, 'p.json')).toThrow(pattern);
    };
    const withLayer = (l: number, entry: object) => ({
      layers: json.layers.map((e, i) => (i === l ? { ...e, ...entry } : e)),
    });
    // Dense weights transposed: [27][4] instead of [4][27].
    const w1 = json.layers[1]!.weights as number[][];
    const transposed = w1[0]!.map((_, i) => w1.map((row) => row[i]!));
    expectRejected(
      withLayer(1, { weights: transposed }),
      /^p\.json: layers\[1\]\.weights\b.*\[27\]\[4\].*needs \[4\]\[27\]/,
    );
    expectRejected(
      withLayer(0, { weights: (json.layers[0]!.weights as unknown[]).slice(1) }),
      /layers\[0\]\.weights\b.*\[2\]\[2\]\[3\]\[3\].*needs \[3\]\[2\]\[3\]\[3\]/,
    );
    expectRejected(withLayer(2, { bias: [0, 0] }), /layers\[2\]\.bias\b.*\[2\].*needs \[3\]/);
    expectRejected({ layers: json.layers.slice(0, 2) }, /has 2 layers but the net has 3/);
    expectRejected(withLayer(2, { bias: [0, null, 0] }), /layers\[2\]\.bias\b.*(\[1\] is null|needs \[3\] of numbers)/);
    expectRejected({ weights: [] }, /expected \{ "layers"/);
  });
});

describe('paramsJsonChunks', () => {
  it('writes exactly the text of JSON.stringify(paramsToJSON), in pieces of bounded size', () => {
    const wide = parseNetSpec({
      input: [3, 5, 5],
      layers: [
        { type: 'conv', filters: 7, kernel: 2, activation: 'relu' },
        { type: 'dense', units: 400, activation: 'tanh' },
        { type: 'dense', units: 2_000 },
      ],
      loss: 'mse',
    });
    for (const spec of [convNet, wide]) {
      const params = initParams(spec, createRandom('chunks'));
      params.layers[0]!.bias[0] = -0; // JSON writes -0 as 0
      params.layers[0]!.weights[1] = 1e-300;
      const pieces = [...paramsJsonChunks(spec, params)];
      expect(pieces.join('')).toBe(JSON.stringify(paramsToJSON(spec, params)));
      for (const piece of pieces) expect(piece.length).toBeLessThan(1_000_000);
      if (spec === wide) expect(pieces.length).toBeGreaterThan(10);
    }
  });

  it('refuses a non-finite number rather than writing null', () => {
    const params = initParams(convNet, createRandom(1));
    params.layers[2]!.bias[1] = NaN;
    expect(() => [...paramsJsonChunks(convNet, params)]).toThrow(/NaN has no JSON form/);
    // Control: JSON.stringify would have written null without a word.
    expect(JSON.stringify(paramsToJSON(convNet, params))).toContain('null');
  });
});

describe('initParams', () => {
  it('is reproducible for a seed and differs between seeds; biases start at 0', () => {
    expect(flat(initParams(convNet, createRandom(5)))).toEqual(flat(initParams(convNet, createRandom(5))));
    expect(flat(initParams(convNet, createRandom(5)))).not.toEqual(flat(initParams(convNet, createRandom(6))));
    for (const l of initParams(convNet, createRandom(5)).layers) expect(l.bias.every((b) => b === 0)).toBe(true);
  });

  it('defaults to He for a net with relu, LeCun otherwise', () => {
    expect(defaultInit(convNet)).toBe('he-normal');
    expect(
      defaultInit(parseNetSpec({ input: [3], layers: [{ type: 'dense', units: 2, activation: 'tanh' }], loss: 'mse' })),
    ).toBe('lecun-normal');
  });

  it('draws weights with the variance its name promises: LeCun 1/fanIn, Glorot 2/(fanIn+fanOut), He 2/fanIn \
(loose statistical bounds)', () => {
    // Conv fans count the receptive field: fanIn = C·k·k = 5·3·3 = 45, fanOut = F·k·k = 40·3·3 = 360; dense fanIn 600,
    // fanOut 100.
    const spec = parseNetSpec({
      input: [5, 4, 4],
      layers: [
        { type: 'conv', filters: 40, kernel: 3, padding: 1, activation: 'tanh' },
        { type: 'dense', units: 100, activation: 'identity' },
      ],
      loss: 'mse',
    });
    const expectedFans = [
      [45, 360],
      [640, 100],
    ];
    expect(resolveLayers(spec).map((l) => l.weightShape)).toEqual([
      [40, 5, 3, 3],
      [100, 640],
    ]);
    expect(initVariance('lecun-normal', 45, 360)).toBe(1 / 45);
    expect(initVariance('glorot-uniform', 45, 360)).toBe(2 / 405);
    expect(initVariance('he-normal', 45, 360)).toBe(2 / 45);
    for (const init of INIT_NAMES) {
      const params = initParams(spec, createRandom(`variance ${init}`), init);
      params.layers.forEach((layer, l) => {
        const [fanIn, fanOut] = expectedFans[l]!;
        const variance = init.startsWith('lecun')
          ? 1 / fanIn!
          : init.startsWith('glorot')
            ? 2 / (fanIn! + fanOut!)
            : 2 / fanIn!;
        const w = layer.weights;
        const n = w.length;
        const mean = w.reduce((s, v) => s + v, 0) / n;
        const sampleVariance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
        expect(Math.abs(mean), `${init} layer ${l} mean`).toBeLessThan(5 * Math.sqrt(variance / n));
        expect(Math.abs(sampleVariance / variance - 1), `${init} layer ${l} variance`).toBeLessThan(0.1);
        if (init.endsWith('uniform')) {
          const limit = Math.sqrt(3 * variance);
          expect(w.every((v) => Math.abs(v) <= limit)).toBe(true);
          // Uniform: a quarter of the draws lie beyond half the limit on each side... i.e. half beyond |limit/2|.
          const outer = w.filter((v) => Math.abs(v) > limit / 2).length / n;
          expect(Math.abs(outer - 0.5)).toBeLessThan(0.05);
        } else {
          // Normal: about 4.6% beyond 2σ.
          const beyond = w.filter((v) => Math.abs(v) > 2 * Math.sqrt(variance)).length / n;
          expect(Math.abs(beyond - 0.0455)).toBeLessThan(0.02);
        }
      });
    }
  });
});
