/**
 * Params and gradients share one layout (DESIGN §2): per layer, weights in the PyTorch order
 * (dense [units][fanIn], w[j][i] connects input i to unit j; conv [filters][inChannels][k][k])
 * and a bias per unit. The bias is the weight from a virtual input fixed at 1, so its
 * gradient is Δz_j · 1. In memory both are flat Float64Arrays.
 */
import { InputError } from '../core/errors.ts';
import type { Random } from '../core/random.ts';
import { describeNested, describeValue, nest, type Shape, sizeOf } from '../core/tensor.ts';
import { resolveLayers, type NetSpec, type ResolvedLayer } from './spec.ts';

export interface LayerParams {
  weights: Float64Array;
  bias: Float64Array;
}

export interface Params {
  layers: LayerParams[];
}

export type InitName = 'lecun-uniform' | 'lecun-normal' | 'glorot-uniform' | 'glorot-normal' | 'he-uniform' | 'he-normal';
export const INIT_NAMES: readonly InitName[] = ['lecun-uniform', 'lecun-normal', 'glorot-uniform', 'glorot-normal', 'he-uniform', 'he-normal'];

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
  return { layers: params.layers.map((l) => ({ weights: new Float64Array(l.weights.length), bias: new Float64Array(l.bias.length) })) };
}

export function cloneParams(params: Params): Params {
  return { layers: params.layers.map((l) => ({ weights: Float64Array.from(l.weights), bias: Float64Array.from(l.bias) })) };
}

/** Params (or gradients) as JSON in the DESIGN layout. */
export function paramsToJSON(spec: NetSpec, params: Params): { layers: { weights: unknown; bias: number[] }[] } {
  const layers = resolveLayers(spec);
  return {
    layers: params.layers.map((l, i) => ({ weights: nest(l.weights, layers[i]!.weightShape), bias: Array.from(l.bias) })),
  };
}

/** Read params JSON against the spec; every mismatch names the layer and both shapes. */
export function paramsFromJSON(spec: NetSpec, json: unknown, source = 'params'): Params {
  const layers = resolveLayers(spec);
  const obj = json as { layers?: unknown } | null;
  if (obj === null || typeof obj !== 'object' || !Array.isArray(obj.layers)) {
    throw new InputError(`${source}: expected { "layers": [ { "weights": ..., "bias": [...] }, ... ] }`);
  }
  if (obj.layers.length !== layers.length) {
    throw new InputError(`${source}: has ${obj.layers.length} layers but the net has ${layers.length}`);
  }
  return {
    layers: layers.map((layer, i) => {
      const entry = (obj.layers as unknown[])[i] as { weights?: unknown; bias?: unknown } | null;
      const weights = readTensor(entry?.weights, layer.weightShape, `${source}: layer ${i} weights`);
      const bias = readTensor(entry?.bias, [layer.weightShape[0]!], `${source}: layer ${i} bias`);
      return { weights, bias };
    }),
  };
}


/**
 * Flatten nested JSON numbers of the given shape. The shape is checked first, over the whole
 * tensor; then every value must be a finite number. JSON has no NaN: it arrives as null, as a
 * string "NaN", or as 1e999 (which JSON.parse turns into Infinity); each is named with its index.
 */
function readTensor(value: unknown, shape: Shape, where: string): Float64Array {
  const fits = (v: unknown, depth: number): boolean =>
    depth === shape.length ? !Array.isArray(v) : Array.isArray(v) && v.length === shape[depth] && v.every((item) => fits(item, depth + 1));
  if (!fits(value, 0)) throw new InputError(`${where}: shape ${describeNested(value)}, but the net needs ${shape.map((d) => `[${d}]`).join('')} of numbers`);
  const out = new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, index: string): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${index}[${i}]`));
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${where}${index} is ${describeValue(v)}, not a finite number`);
    out[k++] = v;
  };
  walk(value, '');
  return out;
}
