import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { createRandom } from '../../src/core/random.ts';
import { checkNetwork, randomPatterns } from '../../src/gradcheck/index.ts';
import { Network } from '../../src/nn/network.ts';
import { initParams, paramsToJSON, paramsFromJSON } from '../../src/nn/params.ts';
import { Pool } from '../../src/nn/pool.ts';
import { netSpecToJSON, parseNetSpec, resolveLayers, type PoolSpec, type ResolvedLayer } from '../../src/nn/spec.ts';
import { Textbook } from '../../src/nn/textbook.ts';

function poolLayer(mode: 'max' | 'average', input: number[], size: number, stride = size): Pool {
  const layers = [
    { type: 'pool', mode, size, stride },
    { type: 'dense', units: 1 },
  ];
  const spec = parseNetSpec({ input, layers, loss: 'mse' });
  return new Pool(resolveLayers(spec)[0] as ResolvedLayer & PoolSpec);
}

/** A max pool, then a dense layer. */
const POOLED = {
  input: [1, 4, 4],
  layers: [
    { type: 'pool', mode: 'max', size: 2 },
    { type: 'dense', units: 2 },
  ],
  loss: 'mse',
};

describe('pool layer (matrix)', () => {
  // One channel, 4×4, windows 2×2 stride 2: [[1,5,2,2],[3,4,2,0],[0,-1,7,7],[6,6,7,-2]].
  const x = Float64Array.of(1, 5, 2, 2, 3, 4, 2, 0, 0, -1, 7, 7, 6, 6, 7, -2);

  it("max: each window's maximum; a tie goes to the first in row-major order; the error to the winner only", () => {
    const pool = poolLayer('max', [1, 4, 4], 2);
    pool.forward(x);
    expect(Array.from(pool.y)).toEqual([5, 2, 6, 7]);
    // window (0,1) = {2,2,2,0}: the first 2 (index 2); (1,0) = {0,−1,6,6}: index 12; (1,1) = {7,7,7,−2}: index 10
    expect(Array.from(pool.winner)).toEqual([1, 2, 12, 10]);
    const Δx = new Float64Array(16).fill(99);
    pool.pushError(Float64Array.of(0.5, -1, 2, 3), Δx);
    const expected = new Float64Array(16);
    expected[1] = 0.5;
    expected[2] = -1;
    expected[12] = 2;
    expected[10] = 3;
    expect(Array.from(Δx)).toEqual(Array.from(expected));
  });

  it("average: the window's mean; the error spread as Δz/size² over the window; overlapping windows sum", () => {
    const pool = poolLayer('average', [1, 4, 4], 2);
    pool.forward(x);
    expect(Array.from(pool.y)).toEqual([13 / 4, 6 / 4, 11 / 4, 19 / 4]);
    const overlapping = poolLayer('average', [1, 3, 3], 2, 1); // 2×2 outputs; the centre input is in all four windows
    overlapping.forward(Float64Array.from({ length: 9 }, (_, k) => k));
    expect(Array.from(overlapping.y)).toEqual([2, 3, 5, 6]);
    const Δx = new Float64Array(9);
    overlapping.pushError(Float64Array.of(4, 8, 12, 16), Δx);
    expect(Array.from(Δx)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('two channels pool separately; max and average gradient-check in a conv → pool → dense net', () => {
    const pool = poolLayer('max', [2, 2, 2], 2);
    pool.forward(Float64Array.of(1, 2, 3, 4, -4, -3, -2, -1));
    expect(Array.from(pool.y)).toEqual([4, -1]);
    for (const mode of ['max', 'average'] as const) {
      for (const loss of ['mse', 'softmax-cross-entropy'] as const) {
        const spec = parseNetSpec({
          input: [2, 9, 8],
          layers: [
            { type: 'conv', filters: 3, kernel: 2, activation: 'tanh' },
            { type: 'pool', mode, size: 2, stride: mode === 'max' ? 2 : 1 },
            { type: 'conv', filters: 2, kernel: 2, activation: 'softplus' },
            { type: 'pool', mode, size: 2 },
            { type: 'dense', units: 3, activation: loss === 'mse' ? 'logistic' : 'identity' },
          ],
          loss,
        });
        const random = createRandom(`pool gradcheck ${mode} ${loss}`);
        const params = initParams(spec, random.derive('init'));
        for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.2 * random.normal();
        const result = checkNetwork(spec, params, randomPatterns(spec, 3, random.derive('patterns')));
        const what = `${mode} ${loss}: ${JSON.stringify(result.worst)}`;
        expect(result.worstRelativeError, what).toBeLessThanOrEqual(1e-6);
        expect(result.checked).toBe(params.layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0));
      }
    }
  });

  it('negative control: with the error sent to the wrong input the gradient check fails', () => {
    const spec = parseNetSpec({
      input: [1, 4, 4],
      layers: [
        { type: 'conv', filters: 2, kernel: 1, activation: 'tanh' },
        { type: 'pool', mode: 'max', size: 2 },
        { type: 'dense', units: 2 },
      ],
      loss: 'mse',
    });
    const random = createRandom('pool negative');
    const params = initParams(spec, random.derive('init'));
    const data = randomPatterns(spec, 2, random.derive('patterns'));
    const original = Pool.prototype.backward;
    Pool.prototype.backward = function (this: Pool, x, Δz, into, Δx) {
      original.call(this, x, Δz, into, Δx);
      if (Δx !== null) Δx.reverse(); // routed to the mirror-image input
    };
    try {
      expect(checkNetwork(spec, params, data).passed).toBe(false);
    } finally {
      Pool.prototype.backward = original;
    }
    expect(checkNetwork(spec, params, data).passed).toBe(true);
  });

  it('a pool layer has no params: [] and [] in the params file, which reads back', () => {
    const spec = parseNetSpec(POOLED);
    const params = initParams(spec, createRandom(1));
    expect(params.layers[0]!.weights.length + params.layers[0]!.bias.length).toBe(0);
    const text = JSON.stringify(paramsToJSON(spec, params));
    expect(JSON.parse(text).layers[0]).toEqual({ weights: [], bias: [] });
    const back = paramsFromJSON(spec, JSON.parse(text));
    expect(Array.from(back.layers[1]!.weights)).toEqual(Array.from(params.layers[1]!.weights));
    const net = new Network(spec, params);
    expect(net.forward(new Float64Array(16).fill(1)).length).toBe(2);
  });

  it('the textbook reference is dense only and refuses a pool layer', () => {
    const spec = parseNetSpec(POOLED);
    expect(() => new Textbook(spec, initParams(spec, createRandom(1)))).toThrow(/dense only; layer 0 is pool/);
  });
});

describe('pool layer (spec)', () => {
  const net = (pool: unknown, input = [2, 6, 6]): unknown => ({
    input,
    layers: [pool, { type: 'dense', units: 2 }],
    loss: 'mse',
  });
  const refused = (json: unknown): string => {
    try {
      parseNetSpec(json, 'n.net.json');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(json)}`);
  };

  it('resolves shapes: channels kept, floor((H − size)/stride) + 1; stride defaults to size', () => {
    const spec = parseNetSpec(net({ type: 'pool', mode: 'average', size: 3 }, [2, 7, 6]));
    const [pool] = resolveLayers(spec);
    expect(pool!.outShape).toEqual([2, 2, 2]);
    expect((pool as PoolSpec).stride).toBe(3);
    const overlapping = parseNetSpec(net({ type: 'pool', mode: 'max', size: 2, stride: 1 }));
    expect(resolveLayers(overlapping)[0]!.outShape).toEqual([2, 5, 5]);
    expect(netSpecToJSON(spec)).toEqual({
      input: [2, 7, 6],
      layers: [
        { type: 'pool', mode: 'average', size: 3, stride: 3 },
        { type: 'dense', units: 2, activation: 'identity' },
      ],
      loss: 'mse',
    });
    expect(parseNetSpec(netSpecToJSON(spec))).toEqual(spec);
  });

  it('refuses bad pool layers with one line naming the field', () => {
    const pool = (extra: object): unknown => net({ type: 'pool', mode: 'max', size: 2, ...extra });
    const cases: [unknown, RegExp | string][] = [
      [pool({ strde: 1 }), /n\.net\.json: layers\[0\].*"strde".*did you mean "stride"/],
      [
        pool({ mode: 'maximum' }),
        'n.net.json: layers[0].mode: unknown pool mode "maximum"; expected "max" or "average"',
      ],
      [pool({ mode: 'averge' }), /unknown pool mode "averge"; did you mean "average"\?/],
      [net({ type: 'pool', size: 2 }), /layers\[0\]\.mode: unknown pool mode/],
      [pool({ size: 0 }), /layers\[0\]\.size must be a positive integer, got 0/],
      [pool({ stride: 1.5 }), /layers\[0\]\.stride must be a positive integer/],
      [pool({ size: 7 }), /layers\[0\]: pool size 7 is larger than its input 6×6/],
      [pool({ activation: 'relu' }), /"activation"/],
      [net({ type: 'pool', mode: 'max', size: 2 }, [8]), /layers\[0\]: pool needs a \[channels, height, width\] input/],
      [{ ...POOLED, layers: POOLED.layers.slice(0, 1) }, /layers\[0\]: a pool layer cannot be the last layer/],
      [net({ type: 'pol' }), /unknown layer type "pol"; did you mean "pool"\?; expected "dense", "conv" or "pool"/],
    ];
    for (const [json, expected] of cases) {
      if (typeof expected === 'string') expect(refused(json)).toBe(expected);
      else expect(refused(json)).toMatch(expected);
    }
  });
});
