/**
 * The net spec (DESIGN §2): an input shape, a stack of dense and conv layers, a loss.
 * Parsing resolves every layer's input and output shape, so later code never re-derives them.
 */
import { InputError } from '../core/errors.ts';
import { sizeOf, type Shape } from '../core/tensor.ts';
import { activationToJSON, parseActivation, type ActivationSpec } from './activation.ts';

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

export type LayerSpec = DenseSpec | ConvSpec;

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

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Validate a parsed JSON value as a net spec. `source` (a file name) prefixes every error. */
export function parseNetSpec(json: unknown, source = 'net spec'): NetSpec {
  const fail = (msg: string): never => {
    throw new InputError(`${source}: ${msg}`);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('expected a JSON object with "input", "layers" and "loss"');
  const obj = json as Record<string, unknown>;
  const input = obj['input'];
  if (!Array.isArray(input) || !(input.length === 1 || input.length === 3) || !input.every(isPositiveInt)) {
    fail(`"input" must be [n] or [channels, height, width] of positive integers, got ${JSON.stringify(input)}`);
  }
  const layersJson = obj['layers'];
  if (!Array.isArray(layersJson) || layersJson.length === 0) fail('"layers" must be a non-empty array');
  const loss = obj['loss'];
  if (typeof loss !== 'string' || !(LOSS_NAMES as readonly string[]).includes(loss)) {
    fail(`unknown loss ${JSON.stringify(loss)}; expected one of ${LOSS_NAMES.join(', ')}`);
  }
  const layers: LayerSpec[] = (layersJson as unknown[]).map((l, i) => {
    const where = `layer ${i}`;
    if (l === null || typeof l !== 'object' || Array.isArray(l)) return fail(`${where}: expected an object`);
    const layer = l as Record<string, unknown>;
    const activation = parseActivation(layer['activation'] ?? 'identity', `${source}: ${where}`);
    if (layer['type'] === 'dense') {
      if (!isPositiveInt(layer['units'])) fail(`${where}: "units" must be a positive integer, got ${JSON.stringify(layer['units'])}`);
      return { type: 'dense', units: layer['units'] as number, activation };
    }
    if (layer['type'] === 'conv') {
      const { filters, kernel } = layer;
      const stride = layer['stride'] ?? 1;
      const padding = layer['padding'] ?? 0;
      if (!isPositiveInt(filters)) fail(`${where}: "filters" must be a positive integer, got ${JSON.stringify(filters)}`);
      if (!isPositiveInt(kernel)) fail(`${where}: "kernel" must be a positive integer, got ${JSON.stringify(kernel)}`);
      if (!isPositiveInt(stride)) fail(`${where}: "stride" must be a positive integer, got ${JSON.stringify(stride)}`);
      if (!isNonNegativeInt(padding)) fail(`${where}: "padding" must be a non-negative integer, got ${JSON.stringify(padding)}`);
      return { type: 'conv', filters, kernel, stride, padding, activation } as ConvSpec;
    }
    return fail(`${where}: unknown layer type ${JSON.stringify(layer['type'])}; expected "dense" or "conv"`);
  });
  const spec: NetSpec = { input: input as number[], layers, loss: loss as LossName };
  if (spec.loss === 'softmax-cross-entropy' && layers[layers.length - 1]!.activation.name !== 'identity') {
    fail(`softmax-cross-entropy applies softmax to the last layer's z, so its activation must be "identity", not "${layers[layers.length - 1]!.activation.name}"`);
  }
  resolveLayers(spec, source); // throws on impossible shapes
  return spec;
}

/** Work out each layer's input, output and weight shapes. */
export function resolveLayers(spec: NetSpec, source = 'net spec'): ResolvedLayer[] {
  let shape: Shape = spec.input;
  const tooLarge = (what: string, dims: Shape): void => {
    if (sizeOf(dims) > MAX_TENSOR_SIZE) throw new InputError(`${source}: ${what} ${dims.join('×')} holds ${sizeOf(dims)} numbers, more than localprop allows in one tensor (${MAX_TENSOR_SIZE})`);
  };
  tooLarge('the input', spec.input);
  return spec.layers.map((layer, i) => {
    const resolved = resolveLayer(layer, i, shape, source);
    tooLarge(`layer ${i}'s weights`, resolved.weightShape);
    tooLarge(`layer ${i}'s output`, resolved.outShape);
    shape = resolved.outShape;
    return resolved;
  });
}

function resolveLayer(layer: LayerSpec, i: number, inShape: Shape, source: string): ResolvedLayer {
  if (layer.type === 'dense') {
    // Dense after conv flattens channel-major ([c][h][w]).
    const fanIn = sizeOf(inShape);
    return { ...layer, inShape, outShape: [layer.units], weightShape: [layer.units, fanIn] };
  }
  if (inShape.length !== 3) throw new InputError(`${source}: layer ${i}: conv needs a [channels, height, width] input, but its input is ${JSON.stringify(inShape)}`);
  const [c, h, w] = inShape as [number, number, number];
  if (layer.kernel > h + 2 * layer.padding || layer.kernel > w + 2 * layer.padding) {
    throw new InputError(`${source}: layer ${i}: kernel ${layer.kernel} is larger than its padded input ${h + 2 * layer.padding}×${w + 2 * layer.padding}`);
  }
  const oh = convOutputSize(h, layer.kernel, layer.stride, layer.padding);
  const ow = convOutputSize(w, layer.kernel, layer.stride, layer.padding);
  return { ...layer, inShape, outShape: [layer.filters, oh, ow], weightShape: [layer.filters, c, layer.kernel, layer.kernel] };
}

export function netSpecToJSON(spec: NetSpec): unknown {
  return {
    input: spec.input,
    layers: spec.layers.map((l) => ({ ...l, activation: activationToJSON(l.activation) })),
    loss: spec.loss,
  };
}
