/**
 * Params and gradients share one layout (README, Formats): per layer, weights in the PyTorch order
 * (dense [units][fanIn], w[j][i] connects input i to unit j; conv [filters][inChannels][k][k])
 * and a bias per unit. The bias is the weight from a virtual input fixed at 1, so its
 * gradient is Δz_j · 1. In memory both are flat Float64Arrays.
 */
import { InputError } from '../core/errors.ts';
import type { Random } from '../core/random.ts';
import { rejectUnknownKeys } from '../core/known-keys.ts';
import { describeNested, describeValue, nest, type Shape, sizeOf } from '../core/tensor.ts';
import { resolveLayers, type NetSpec, type ResolvedLayer } from './spec.ts';

export interface LayerParams {
  weights: Float64Array;
  bias: Float64Array;
}

export interface Params {
  layers: LayerParams[];
}

export type InitName =
  | 'lecun-uniform'
  | 'lecun-normal'
  | 'glorot-uniform'
  | 'glorot-normal'
  | 'he-uniform'
  | 'he-normal';
export const INIT_NAMES: readonly InitName[] = [
  'lecun-uniform',
  'lecun-normal',
  'glorot-uniform',
  'glorot-normal',
  'he-uniform',
  'he-normal',
];

/** fanIn and fanOut of a weight tensor [out][in](...kernel): the receptive field counts in both. */
function fans(layer: ResolvedLayer): { fanIn: number; fanOut: number } {
  const [out, inp, ...kernel] = layer.weightShape as number[];
  const field = sizeOf(kernel);
  return { fanIn: inp! * field, fanOut: out! * field };
}

/**
 * Variance of the initial weights, after the authors:
 *   LeCun (1998)  1/fanIn;  Glorot & Bengio (2010)  2/(fanIn+fanOut);  He et al. (2015)  2/fanIn.
 * Uniform draws use the limit √(3·variance); normal draws use σ = √variance. Biases start at 0.
 */
export function initVariance(init: InitName, fanIn: number, fanOut: number): number {
  if (init.startsWith('lecun')) return 1 / fanIn;
  if (init.startsWith('glorot')) return 2 / (fanIn + fanOut);
  return 2 / fanIn;
}

/** The init that suits the layer's activation: He for relu, LeCun otherwise. */
export function defaultInit(spec: NetSpec): InitName {
  return spec.layers.some((l) => l.activation.name === 'relu') ? 'he-normal' : 'lecun-normal';
}

export function initParams(spec: NetSpec, random: Random, init: InitName = defaultInit(spec)): Params {
  return {
    layers: resolveLayers(spec).map((layer) => {
      const { fanIn, fanOut } = fans(layer);
      const variance = initVariance(init, fanIn, fanOut);
      const weights = new Float64Array(sizeOf(layer.weightShape));
      if (init.endsWith('uniform')) {
        const limit = Math.sqrt(3 * variance);
        for (let k = 0; k < weights.length; k++) weights[k] = (2 * random.uniform() - 1) * limit;
      } else {
        const sigma = Math.sqrt(variance);
        for (let k = 0; k < weights.length; k++) weights[k] = sigma * random.normal();
      }
      return { weights, bias: new Float64Array(layer.weightShape[0]!) };
    }),
  };
}

export function zerosLike(params: Params): Params {
  return {
    layers: params.layers.map((l) => ({
      weights: new Float64Array(l.weights.length),
      bias: new Float64Array(l.bias.length),
    })),
  };
}

export function cloneParams(params: Params): Params {
  return {
    layers: params.layers.map((l) => ({ weights: Float64Array.from(l.weights), bias: Float64Array.from(l.bias) })),
  };
}

/** Params (or gradients) as JSON in the README's layout. */
export function paramsToJSON(spec: NetSpec, params: Params): { layers: { weights: unknown; bias: number[] }[] } {
  const layers = resolveLayers(spec);
  return {
    layers: params.layers.map((l, i) => ({
      weights: nest(l.weights, layers[i]!.weightShape),
      bias: Array.from(l.bias),
    })),
  };
}

export const PARAMS_KEYS: readonly string[] = ['layers'];
export const LAYER_PARAMS_KEYS: readonly string[] = ['weights', 'bias'];

/** Read params JSON against the spec; a mismatch names the field by its path (layers[1].weights[3]) and both shapes. */
export function paramsFromJSON(spec: NetSpec, json: unknown, source = 'params'): Params {
  const layers = resolveLayers(spec);
  const obj = json as { layers?: unknown } | null;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || !Array.isArray(obj.layers)) {
    const expected = '{ "layers": [ { "weights": ..., "bias": [...] }, ... ] }';
    throw new InputError(`${source}: expected ${expected}, got ${describeValue(json)}`);
  }
  rejectUnknownKeys(obj, PARAMS_KEYS, source);
  if (obj.layers.length !== layers.length) {
    throw new InputError(`${source}: has ${obj.layers.length} layers but the net has ${layers.length}`);
  }
  return {
    layers: layers.map((layer, i) => {
      const entry = (obj.layers as unknown[])[i];
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        const expected = '{ "weights": ..., "bias": [...] }';
        throw new InputError(`${source}: layers[${i}] is ${describeValue(entry)}, expected ${expected}`);
      }
      rejectUnknownKeys(entry, LAYER_PARAMS_KEYS, `${source}: layers[${i}]`);
      const { weights: w, bias: b } = entry as { weights?: unknown; bias?: unknown };
      const weights = readTensor(w, layer.weightShape, source, `layers[${i}].weights`);
      const bias = readTensor(b, [layer.weightShape[0]!], source, `layers[${i}].bias`);
      return { weights, bias };
    }),
  };
}

const shapeText = (shape: Shape): string => shape.map((d) => `[${d}]`).join('');

/**
 * Flatten nested JSON numbers of the given shape. The shape is checked first, over the whole
 * tensor, naming the first array whose length differs (a ragged row); then every value must be
 * a finite number. JSON has no NaN: it arrives as null, as a string "NaN", or as 1e999 (which
 * JSON.parse turns into Infinity); each is named with its index.
 */
function readTensor(value: unknown, shape: Shape, source: string, path: string): Float64Array {
  const needs = `the net needs ${shapeText(shape)} of numbers`;
  // An iterative walk: a 100 000-deep nesting must not overflow the stack.
  const stack: { v: unknown; depth: number; at: string }[] = [{ v: value, depth: 0, at: path }];
  while (stack.length > 0) {
    const { v, depth, at } = stack.pop()!;
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new InputError(`${source}: ${at} is an array, but ${needs}`);
      continue;
    }
    if (!Array.isArray(v)) {
      const context = at === path ? needs : `${path} is ${shapeText(shape)}`;
      throw new InputError(`${source}: ${at} is ${describeValue(v)}, not an array of ${shape[depth]} (${context})`);
    }
    if (v.length !== shape[depth]) {
      if (at === path) throw new InputError(`${source}: ${path}: shape ${describeNested(v)}, but ${needs}`);
      const row = `each row needs ${shape[depth]}`;
      throw new InputError(`${source}: ${at} has ${v.length} values, but ${path} is ${shapeText(shape)}: ${row}`);
    }
    for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, at: `${at}[${i}]` });
  }
  const out = new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, index: string): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        walk(item, `${index}[${i}]`);
      });
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`${source}: ${index} is ${describeValue(v)}, not a finite number`);
    }
    out[k++] = v;
  };
  walk(value, path);
  return out;
}

/** How many numbers go into one chunk of paramsJsonChunks: a few hundred kilobytes of text. */
const CHUNK_NUMBERS = 16_384;

/**
 * Params (or gradients) as JSON text in pieces of at most a few hundred kilobytes, exactly the
 * text of JSON.stringify(paramsToJSON(spec, params)). A 30 M-weight net is about 600 MB of
 * text, more than one JavaScript string may hold; written piece by piece it needs no such string.
 */
export function* paramsJsonChunks(spec: NetSpec, params: Params): Generator<string> {
  const layers = resolveLayers(spec);
  let text = '{"layers":[';
  for (let l = 0; l < params.layers.length; l++) {
    const { weights, bias } = params.layers[l]!;
    const shape = layers[l]!.weightShape;
    text += `${l > 0 ? ',' : ''}{"weights":`;
    // Row-major: an opening bracket for each dimension whose index wraps to 0, a closing one for each that ends.
    for (let k = 0; k < weights.length; k++) {
      text += k > 0 ? ',' : '';
      text += '['.repeat(wrapping(shape, k)) + jsonNumber(weights[k]!) + ']'.repeat(wrapping(shape, k + 1));
      if (k % CHUNK_NUMBERS === CHUNK_NUMBERS - 1) {
        yield text;
        text = '';
      }
    }
    if (weights.length === 0) text += '[]'; // a pool layer
    text += ',"bias":[';
    for (let k = 0; k < bias.length; k++) {
      text += (k > 0 ? ',' : '') + jsonNumber(bias[k]!);
      if (k % CHUNK_NUMBERS === CHUNK_NUMBERS - 1) {
        yield text;
        text = '';
      }
    }
    text += ']}';
  }
  yield `${text}]}`;
}

/** The text of a params file: paramsJsonChunks, then a newline. */
export function* paramsFileChunks(spec: NetSpec, params: Params): Generator<string> {
  yield* paramsJsonChunks(spec, params);
  yield '\n';
}

/** How many dimensions of `shape`, from the last, start afresh at flat index k (k a multiple of their strides). */
function wrapping(shape: Shape, k: number): number {
  let n = 0;
  for (let d = shape.length - 1, stride = 1; d >= 0 && k % (stride * shape[d]!) === 0; stride *= shape[d]!, d--) n++;
  return n;
}

/** A number as JSON.stringify writes it; a non-finite one has no JSON form, and writing null would hide it. */
function jsonNumber(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`paramsJsonChunks: ${v} has no JSON form`);
  return String(v);
}
