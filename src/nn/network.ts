/**
 * A network: layers 1..L, each x⁽ˡ⁾ = y⁽ˡ⁻¹⁾ (x⁽¹⁾ is the input), and a loss on y⁽ᴸ⁾.
 *   forward   z⁽ˡ⁾ = W⁽ˡ⁾ x⁽ˡ⁾ + b⁽ˡ⁾,   y⁽ˡ⁾ = g(z⁽ˡ⁾)
 *   output    E = loss(y⁽ᴸ⁾, t),   Δy⁽ᴸ⁾ = ∂E/∂y⁽ᴸ⁾  (y − t for mse, p − t for softmax-CE)
 *   backward  Δz⁽ˡ⁾ = g'(z⁽ˡ⁾) ⊙ Δy⁽ˡ⁾
 *             ∂E/∂W⁽ˡ⁾ += Δz⁽ˡ⁾ x⁽ˡ⁾ᵀ
 *             Δy⁽ˡ⁻¹⁾ = W⁽ˡ⁾ᵀ Δz⁽ˡ⁾        (not needed below the first layer)
 *   step      w ← w − η · (1/B) Σ_p ∂E_p/∂w   (B = 1 is the essay's δw_ij = −η x_i Δz_j)
 *
 * Indexing departs from the math only in that layer l is layers[l − 1].
 * The network works on the Params it was given, in place.
 */
import { makeActivation, linearized } from './activation.ts';
import { Conv, type ConvErrorForm } from './conv.ts';
import { Dense } from './dense.ts';
import { errorAtPotential, type Layer } from './layer.ts';
import { makeLoss, type Loss } from './loss.ts';
import { zerosLike, type Params } from './params.ts';
import { Pool } from './pool.ts';
import {
  resolveLayers,
  type ConvSpec,
  type DenseSpec,
  type NetSpec,
  type PoolSpec,
  type ResolvedLayer,
} from './spec.ts';

export interface NetworkOptions {
  /** Rectifiers become linear (the essay's advice for gradient checks). */
  linearizeRectifiers?: boolean;
  /** Which form of the conv backward pass computes Δx. Default 'push'. */
  convBackward?: ConvErrorForm;
}

export interface GradientResult {
  /** E summed over the patterns. */
  loss: number;
  /** The network's prediction per pattern (y for mse, softmax probabilities for softmax-CE). */
  outputs: Float64Array[];
  /** ∂E/∂w summed over the patterns, in the params layout. */
  gradients: Params;
}

export class Network {
  readonly layers: Layer[];
  readonly loss: Loss;
  /** The prediction for the last pattern (y or softmax p). */
  readonly prediction: Float64Array;
  /** Per layer: Δy⁽ˡ⁾ and Δz⁽ˡ⁾ of the last backward pass. */
  readonly Δy: Float64Array[];
  readonly Δz: Float64Array[];
  private input: Float64Array = new Float64Array(0);

  constructor(
    readonly spec: NetSpec,
    readonly params: Params,
    options: NetworkOptions = {},
  ) {
    const resolved = resolveLayers(spec);
    this.layers = resolved.map((layer, l) => {
      const activation = makeActivation(options.linearizeRectifiers ? linearized(layer.activation) : layer.activation);
      const { weights, bias } = params.layers[l]!;
      if (layer.type === 'pool') return new Pool(layer as ResolvedLayer & PoolSpec);
      return layer.type === 'dense'
        ? new Dense(layer as ResolvedLayer & DenseSpec, weights, bias, activation)
        : new Conv(layer as ResolvedLayer & ConvSpec, weights, bias, activation, options.convBackward);
    });
    this.loss = makeLoss(spec.loss);
    this.prediction = new Float64Array(this.output.length);
    this.Δy = this.layers.map((l) => new Float64Array(l.outSize));
    this.Δz = this.layers.map((l) => new Float64Array(l.outSize));
  }

  get inputSize(): number {
    return this.layers[0]!.inSize;
  }

  get output(): Float64Array {
    return this.layers[this.layers.length - 1]!.y;
  }

  /** x⁽ˡ⁾: the input of layer l (0-based). */
  layerInput(l: number): Float64Array {
    return l === 0 ? this.input : this.layers[l - 1]!.y;
  }

  /** The forward pass; returns y⁽ᴸ⁾ (before any softmax). */
  forward(x: Float64Array): Float64Array {
    this.input = x;
    for (let l = 0; l < this.layers.length; l++) this.layers[l]!.forward(this.layerInput(l));
    return this.output;
  }

  /** E for one pattern after forward(); fills `prediction` and Δy⁽ᴸ⁾. */
  outputError(t: ArrayLike<number>): number {
    return this.loss.evaluate(this.output, t, this.prediction, this.Δy[this.layers.length - 1]!);
  }

  /** Forward and loss only. */
  evaluate(x: Float64Array, t: ArrayLike<number>): number {
    this.forward(x);
    return this.outputError(t);
  }

  /**
   * One pattern: forward, loss, backward; adds ∂E/∂w into `gradients` and returns E.
   * Δy⁽ˡ⁾ and Δz⁽ˡ⁾ stay in this.Δy and this.Δz for inspection.
   */
  backprop(x: Float64Array, t: ArrayLike<number>, gradients: Params): number {
    const E = this.evaluate(x, t);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      errorAtPotential(layer, this.Δy[l]!, this.Δz[l]!);
      layer.backward(this.layerInput(l), this.Δz[l]!, gradients.layers[l]!, l > 0 ? this.Δy[l - 1]! : null);
    }
    return E;
  }

  /**
   * backprop without the gradient: forward, loss, and Δy⁽ˡ⁾, Δz⁽ˡ⁾ of every layer. Returns E.
   * Each layer's gradient is then Δz⁽ˡ⁾ x⁽ˡ⁾ᵀ, for a caller to form when it needs it.
   */
  backpropErrors(x: Float64Array, t: ArrayLike<number>): number {
    const E = this.evaluate(x, t);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      errorAtPotential(layer, this.Δy[l]!, this.Δz[l]!);
      if (l > 0) layer.backward(this.layerInput(l), this.Δz[l]!, null, this.Δy[l - 1]!);
    }
    return E;
  }

  /** ∂E/∂w for E summed over the patterns, with the loss and the outputs (the `grad` command). */
  gradient(inputs: Float64Array[], targets: ArrayLike<number>[]): GradientResult {
    const gradients = zerosLike(this.params);
    let loss = 0;
    const outputs: Float64Array[] = [];
    for (let p = 0; p < inputs.length; p++) {
      loss += this.backprop(inputs[p]!, targets[p]!, gradients);
      outputs.push(Float64Array.from(this.prediction));
    }
    return { loss, outputs, gradients };
  }
}

/** w ← w − η · (1/B) · Σ_p ∂E_p/∂w, with `sum` holding Σ_p ∂E_p/∂w over B patterns. */
export function sgdStep(params: Params, sum: Params, η: number, B: number): void {
  const scale = η / B;
  for (let l = 0; l < params.layers.length; l++) {
    const p = params.layers[l]!;
    const g = sum.layers[l]!;
    for (let k = 0; k < p.weights.length; k++) p.weights[k] -= scale * g.weights[k]!;
    for (let k = 0; k < p.bias.length; k++) p.bias[k] -= scale * g.bias[k]!;
  }
}

/** sgdStep, then sum ← 0, in the same pass over memory (the next batch starts from a zero sum). */
export function sgdStepAndClear(params: Params, sum: Params, η: number, B: number): void {
  const scale = η / B;
  for (let l = 0; l < params.layers.length; l++) {
    const p = params.layers[l]!;
    const g = sum.layers[l]!;
    for (let k = 0; k < p.weights.length; k++) {
      p.weights[k] -= scale * g.weights[k]!;
      g.weights[k] = 0;
    }
    for (let k = 0; k < p.bias.length; k++) {
      p.bias[k] -= scale * g.bias[k]!;
      g.bias[k] = 0;
    }
  }
}

export function clearParams(params: Params): void {
  for (const l of params.layers) {
    l.weights.fill(0);
    l.bias.fill(0);
  }
}
