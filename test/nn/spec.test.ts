import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { parseNetSpec, resolveLayers } from '../../src/nn/spec.ts';

const dense = (units: unknown, activation: unknown = 'tanh') => ({ type: 'dense', units, activation });

/** The InputError that parsing `json` throws; fails the test if it parses or throws something else. */
function parseError(json: unknown): InputError {
  try {
    parseNetSpec(json, 'bad.net.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const message = (e as InputError).message;
    // One clear line that names the file.
    expect(message).not.toContain('\n');
    expect(message.startsWith('bad.net.json: ')).toBe(true);
    return e as InputError;
  }
  throw new Error(`expected ${JSON.stringify(json)} to be rejected`);
}

describe('parseNetSpec', () => {
  it('resolves shapes: conv output floor((H + 2p − k)/s) + 1, dense after conv flattens, \
PyTorch weight layouts', () => {
    const spec = parseNetSpec({
      input: [1, 8, 8],
      layers: [
        { type: 'conv', filters: 4, kernel: 3, stride: 2, padding: 1, activation: 'relu' },
        { type: 'dense', units: 32, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
        { type: 'dense', units: 10, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const layers = resolveLayers(spec);
    expect(layers.map((l) => l.outShape)).toEqual([[4, 4, 4], [32], [10]]);
    expect(layers.map((l) => l.weightShape)).toEqual([
      [4, 1, 3, 3],
      [32, 64],
      [10, 32],
    ]);
    expect(spec.layers[1]!.activation).toEqual({ name: 'tanh', a: 1.7159, b: 0.6667 });
  });

  it('rejects an unknown activation, naming the layer and the choices', () => {
    const e = parseError({ input: [4], layers: [dense(3, 'sigmoid'), dense(2, 'identity')], loss: 'mse' });
    expect(e.message).toMatch(
      /layers\[0\]\.activation: unknown activation "sigmoid"; expected one of identity, relu, softplus, logistic, tanh/,
    );
  });

  it('rejects softmax-cross-entropy whose last activation is not the identity', () => {
    const e = parseError({ input: [4], layers: [dense(3), dense(2, 'logistic')], loss: 'softmax-cross-entropy' });
    expect(e.message).toMatch(/softmax-cross-entropy .* must be "identity", not "logistic"/);
  });

  it('rejects a kernel larger than the padded input', () => {
    const e = parseError({
      input: [1, 3, 4],
      layers: [{ type: 'conv', filters: 2, kernel: 5, padding: 0 }, dense(2, 'identity')],
      loss: 'mse',
    });
    expect(e.message).toMatch(/layers\[0\]: kernel 5 is larger than its padded input 3×4/);
    // With padding 1 the same kernel fits.
    expect(() =>
      parseNetSpec({
        input: [1, 3, 4],
        layers: [{ type: 'conv', filters: 2, kernel: 5, padding: 1 }, dense(2, 'identity')],
        loss: 'mse',
      }),
    ).not.toThrow();
  });

  it('rejects zero units, zero filters, a zero stride and a negative padding', () => {
    expect(parseError({ input: [4], layers: [dense(0)], loss: 'mse' }).message).toMatch(
      /layers\[0\]\.units must be a positive integer, got 0/,
    );
    expect(parseError({ input: [4], layers: [dense(3), dense(2.5)], loss: 'mse' }).message).toMatch(
      /layers\[1\]\.units must be a positive integer, got 2.5/,
    );
    const conv = (o: object) => ({
      input: [1, 5, 5],
      layers: [{ type: 'conv', filters: 2, kernel: 3, ...o }],
      loss: 'mse',
    });
    expect(parseError(conv({ filters: 0 })).message).toMatch(/\.filters must be a positive integer/);
    expect(parseError(conv({ stride: 0 })).message).toMatch(/\.stride must be a positive integer/);
    expect(parseError(conv({ padding: -1 })).message).toMatch(/\.padding must be a non-negative integer/);
  });

  it('rejects a bad input shape, an unknown loss or layer type, no layers, and conv after dense', () => {
    expect(parseError({ input: [2, 3], layers: [dense(2)], loss: 'mse' }).message).toMatch(
      /"input" must be \[n\] or \[channels, height, width\]/,
    );
    expect(parseError({ input: [4], layers: [dense(2)], loss: 'hinge' }).message).toMatch(
      /unknown loss "hinge"; expected one of mse, softmax-cross-entropy/,
    );
    expect(parseError({ input: [4], layers: [{ type: 'lstm' }], loss: 'mse' }).message).toMatch(
      /layers\[0\]\.type: unknown layer type "lstm"/,
    );
    expect(parseError({ input: [4], layers: [], loss: 'mse' }).message).toMatch(/"layers" must be a non-empty array/);
    expect(
      parseError({ input: [1, 4, 4], layers: [dense(9), { type: 'conv', filters: 1, kernel: 2 }], loss: 'mse' })
        .message,
    ).toMatch(/layers\[1\]: conv needs a \[channels, height, width\] input/);
    expect(parseError([1, 2]).message).toMatch(/expected a JSON object/);
  });
});
