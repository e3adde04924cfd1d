/**
 * The net spec (README, Formats): an input shape, a stack of dense, conv and pool layers, a loss.
 * Parsing resolves every layer's input and output shape, so later code never re-derives them.
 */
import { InputError } from '../core/errors.ts';
import { describeValue, sizeOf, type Shape } from '../core/tensor.ts';
import { didYouMean, rejectUnknownKeys } from '../core/known-keys.ts';
import { ACTIVATION_NAMES, activationToJSON, parseActivation, type ActivationSpec } from './activation.ts';

export type LossName = 'mse' | 'softmax-cross-entropy';
export const LOSS_NAMES: readonly LossName[] = ['mse', 'softmax-cross-entropy'];

export interface DenseSpec {
  type: 'dense';
  units: number;
  activation: ActivationSpec;
}

export interface ConvSpec {
  type: 'conv';
  filters: number;
  kernel: number;
  stride: number;
  padding: number;
  activation: ActivationSpec;
}

export type PoolMode = 'max' | 'average';
export const POOL_MODES: readonly PoolMode[] = ['max', 'average'];

/** Pooling over size × size windows, stride apart, each channel on its own (no padding, no weights). */
export interface PoolSpec {
  type: 'pool';
  mode: PoolMode;
  size: number;
  stride: number;
  /** Always identity: a pool layer's output is its z (not a key of the spec file). */
  activation: ActivationSpec;
}

export type LayerSpec = DenseSpec | ConvSpec | PoolSpec;

export interface NetSpec {
  input: Shape;
  layers: LayerSpec[];
  loss: LossName;
}

/** A layer with its resolved shapes: input [c,h,w] or [n], output likewise. */
export type ResolvedLayer = LayerSpec & { inShape: Shape; outShape: Shape; weightShape: Shape };

/** floor((H + 2·padding − kernel) / stride) + 1 */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** Float64 tensors are allocated up front; past this many numbers in one tensor (800 MB) a spec is surely a mistake. */
export const MAX_TENSOR_SIZE = 100_000_000;

/**
 * The most weights and biases a whole net may have (README, The command line): 160 MB as float64 (an
 * engine keeps a few copies: params, gradients, a snapshot), and at most 25 characters a number
 * its params file stays under the 512 MB that localprop reads back as JSON. Checked before anything
 * is allocated.
 */
export const MAX_NET_PARAMS = 20_000_000;

export const NET_KEYS: readonly string[] = ['input', 'layers', 'loss'];
export const DENSE_KEYS: readonly string[] = ['type', 'units', 'activation'];
export const CONV_KEYS: readonly string[] = ['type', 'filters', 'kernel', 'stride', 'padding', 'activation'];
export const POOL_KEYS: readonly string[] = ['type', 'mode', 'size', 'stride'];

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Validate a parsed JSON value as a net spec: the one validation every command uses. `source` (a
 * file name) prefixes every error, and each error names the field by its path (layers[1].units).
 */
export function parseNetSpec(json: unknown, source = 'net spec'): NetSpec {
  const fail = (msg: string): never => {
    throw new InputError(`${source}: ${msg}`);
  };
  if (!isObject(json)) return fail('expected a JSON object with "input", "layers" and "loss"');
  rejectUnknownKeys(json, NET_KEYS, source);
  const input = json['input'];
  if (!Array.isArray(input) || !(input.length === 1 || input.length === 3) || !input.every(isPositiveInt)) {
    fail(`"input" must be [n] or [channels, height, width] of positive integers, got ${describeValue(input)}`);
  }
  const layersJson = json['layers'];
  if (!Array.isArray(layersJson) || layersJson.length === 0) {
    fail(`"layers" must be a non-empty array, got ${describeValue(layersJson)}`);
  }
  const loss = json['loss'];
  if (typeof loss !== 'string' || !(LOSS_NAMES as readonly string[]).includes(loss)) {
    const hint = typeof loss === 'string' ? didYouMean(loss, LOSS_NAMES) : '';
    fail(`unknown loss ${describeValue(loss)}${hint}; expected one of ${LOSS_NAMES.join(', ')}`);
  }
  const layers: LayerSpec[] = (layersJson as unknown[]).map((layer, i) => {
    const where = `layers[${i}]`;
    if (!isObject(layer)) return fail(`${where}: expected an object, got ${describeValue(layer)}`);
    const positive = (key: string, value: unknown): number =>
      isPositiveInt(value) ? value : fail(`${where}.${key} must be a positive integer, got ${describeValue(value)}`);
    if (layer['type'] === 'dense') {
      rejectUnknownKeys(layer, DENSE_KEYS, `${source}: ${where}`);
      const units = positive('units', layer['units']);
      return { type: 'dense', units, activation: activationOf(layer, `${source}: ${where}`) };
    }
    if (layer['type'] === 'conv') {
      rejectUnknownKeys(layer, CONV_KEYS, `${source}: ${where}`);
      const filters = positive('filters', layer['filters']);
      const kernel = positive('kernel', layer['kernel']);
      const stride = positive('stride', layer['stride'] ?? 1);
      const padding = layer['padding'] ?? 0;
      if (!isNonNegativeInt(padding))
        fail(`${where}.padding must be a non-negative integer, got ${describeValue(padding)}`);
      const activation = activationOf(layer, `${source}: ${where}`);
      return { type: 'conv', filters, kernel, stride, padding: padding as number, activation };
    }
    if (layer['type'] === 'pool') {
      rejectUnknownKeys(layer, POOL_KEYS, `${source}: ${where}`);
      const mode = layer['mode'];
      if (typeof mode !== 'string' || !(POOL_MODES as readonly string[]).includes(mode)) {
        const hint = typeof mode === 'string' ? didYouMean(mode, POOL_MODES) : '';
        fail(`${where}.mode: unknown pool mode ${describeValue(mode)}${hint}; expected "max" or "average"`);
      }
      const size = positive('size', layer['size']);
      const stride = positive('stride', layer['stride'] ?? size);
      if (i === (layersJson as unknown[]).length - 1) {
        fail(`${where}: a pool layer cannot be the last layer (it has no weights to learn the outputs)`);
      }
      return { type: 'pool', mode: mode as PoolMode, size, stride, activation: { name: 'identity' } };
    }
    const type = layer['type'];
    const hint = typeof type === 'string' ? didYouMean(type, ['dense', 'conv', 'pool']) : '';
    const expected = 'expected "dense", "conv" or "pool"';
    return fail(`${where}.type: unknown layer type ${describeValue(type)}${hint}; ${expected}`);
  });
  const spec: NetSpec = { input: input as number[], layers, loss: loss as LossName };
  if (spec.loss === 'softmax-cross-entropy' && layers[layers.length - 1]!.activation.name !== 'identity') {
    fail(
      `softmax-cross-entropy applies softmax to the last layer's z, so its activation must be "identity", ` +
        `not "${layers[layers.length - 1]!.activation.name}"`,
    );
  }
  resolveLayers(spec, source); // throws on impossible shapes and on a net too large for memory
  return spec;
}

/** A layer's activation: a name, or { "name": "tanh", "a": ..., "b": ... }; absent means identity. */
function activationOf(layer: Record<string, unknown>, where: string): ActivationSpec {
  const value = layer['activation'] ?? 'identity';
  const name = typeof value === 'string' ? value : isObject(value) ? value['name'] : undefined;
  if (typeof name !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(name)) {
    const hint = typeof name === 'string' ? didYouMean(name, ACTIVATION_NAMES) : '';
    const names = ACTIVATION_NAMES.join(', ');
    throw new InputError(
      `${where}.activation: unknown activation ${describeValue(name ?? value)}${hint}; expected one of ${names}`,
    );
  }
  if (isObject(value)) {
    // a and b scale tanh only: on another activation they would be ignored, so they are refused.
    rejectUnknownKeys(value, name === 'tanh' ? ['name', 'a', 'b'] : ['name'], `${where}.activation`);
    for (const key of ['a', 'b']) {
      const v = value[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new InputError(`${where}.activation.${key} must be a finite number, got ${describeValue(v)}`);
      }
    }
  }
  return parseActivation(value, where);
}

/** The number of inputs per pattern: the product of the input shape. */
export function netInputSize(spec: NetSpec): number {
  return sizeOf(spec.input);
}

/** The number of outputs per pattern (and of targets): the last layer's units, or its filters × height × width. */
export function netOutputSize(spec: NetSpec): number {
  const layers = resolveLayers(spec);
  return sizeOf(layers[layers.length - 1]!.outShape);
}

/** Work out each layer's input, output and weight shapes. */
export function resolveLayers(spec: NetSpec, source = 'net spec'): ResolvedLayer[] {
  let shape: Shape = spec.input;
  const tooLarge = (what: string, dims: Shape): void => {
    if (sizeOf(dims) > MAX_TENSOR_SIZE)
      throw new InputError(
        `${source}: ${what} ${dims.join('×')} holds ${sizeOf(dims)} numbers, ` +
          `more than localprop allows in one tensor (${MAX_TENSOR_SIZE})`,
      );
  };
  tooLarge('the input', spec.input);
  let total = 0;
  const resolved = spec.layers.map((layer, i) => {
    const resolved = resolveLayer(layer, i, shape, source);
    tooLarge(`layer ${i}'s weights`, resolved.weightShape);
    tooLarge(`layer ${i}'s output`, resolved.outShape);
    total += sizeOf(resolved.weightShape) + resolved.weightShape[0]!;
    shape = resolved.outShape;
    return resolved;
  });
  if (total > MAX_NET_PARAMS) {
    const limit = `${MAX_NET_PARAMS}, 160 MB as float64`;
    throw new InputError(
      `${source}: the net has ${total} weights and biases, more than localprop allows in one net (${limit})`,
    );
  }
  return resolved;
}

function resolveLayer(layer: LayerSpec, i: number, inShape: Shape, source: string): ResolvedLayer {
  if (layer.type === 'dense') {
    // Dense after conv flattens channel-major ([c][h][w]).
    const fanIn = sizeOf(inShape);
    return { ...layer, inShape, outShape: [layer.units], weightShape: [layer.units, fanIn] };
  }
  if (inShape.length !== 3) {
    const needs = `${layer.type} needs a [channels, height, width] input`;
    throw new InputError(`${source}: layers[${i}]: ${needs}, but its input is [${inShape.join(', ')}]`);
  }
  const [c, h, w] = inShape as [number, number, number];
  if (layer.type === 'pool') {
    if (layer.size > h || layer.size > w) {
      throw new InputError(`${source}: layers[${i}]: pool size ${layer.size} is larger than its input ${h}×${w}`);
    }
    const oh = convOutputSize(h, layer.size, layer.stride, 0);
    const ow = convOutputSize(w, layer.size, layer.stride, 0);
    return { ...layer, inShape, outShape: [c, oh, ow], weightShape: [0] }; // no weights, no bias
  }
  if (layer.kernel > h + 2 * layer.padding || layer.kernel > w + 2 * layer.padding) {
    const padded = `${h + 2 * layer.padding}×${w + 2 * layer.padding}`;
    throw new InputError(`${source}: layers[${i}]: kernel ${layer.kernel} is larger than its padded input ${padded}`);
  }
  const oh = convOutputSize(h, layer.kernel, layer.stride, layer.padding);
  const ow = convOutputSize(w, layer.kernel, layer.stride, layer.padding);
  return {
    ...layer,
    inShape,
    outShape: [layer.filters, oh, ow],
    weightShape: [layer.filters, c, layer.kernel, layer.kernel],
  };
}

export function netSpecToJSON(spec: NetSpec): unknown {
  return {
    input: spec.input,
    layers: spec.layers.map((l) => {
      if (l.type !== 'pool') return { ...l, activation: activationToJSON(l.activation) };
      const { activation: _identity, ...pool } = l;
      return pool;
    }),
    loss: spec.loss,
  };
}
