/**
 * The matrix engine: a Network and a MatrixRule, vectorised over whole layers.
 *   learn   the rule adds this pattern's update direction to a pending sum
 *   step    w ← w − (η/B) · sum,  then sum ← 0
 *
 * The outer-product road, taken when the rule declares `errors` (its direction for one pattern is
 * x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ, as back-prop's gradient ∂E/∂w_ij = x_i Δz_j) and every layer puts one term on each
 * weight (dense): learn() keeps the vectors x⁽ˡ⁾ and Δz⁽ˡ⁾ of the batch's first pattern, and at
 * B = 1 (the essay's stochastic update) step() applies w_ij ← w_ij − η x_i Δz_j straight to W:
 * one pass over W instead of three (accumulate, apply, clear), and the same numbers. If a second
 * pattern arrives before the step, the kept one is added to the pending sum and the batch goes on
 * the usual way.
 */
import { allFinite } from '../core/tensor.ts';
import type { Engine } from '../nn/engine.ts';
import type { Layer } from '../nn/layer.ts';
import { Network, sgdStepAndClear, type GradientResult, type NetworkOptions } from '../nn/network.ts';
import { cloneParams, zerosLike, type LayerParams, type Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import type { MatrixRule } from '../rules/rule.ts';

export class MatrixEngine implements Engine {
  readonly name = 'matrix' as const;
  readonly net: Network;
  readonly rule: MatrixRule;
  /** The pending sum of update directions. */
  private readonly pending: Params;
  /** The first pattern of the batch, kept as x⁽ˡ⁾ and Δz⁽ˡ⁾ on the outer-product road, else null. */
  private readonly kept: KeptPattern | null;
  private patterns = 0;

  /** `params` is copied: the engine owns its weights. */
  constructor(spec: NetSpec, params: Params, readonly createRule: (net: Network) => MatrixRule, options: NetworkOptions = {}) {
    this.net = new Network(spec, cloneParams(params), options);
    this.rule = createRule(this.net);
    this.pending = zerosLike(params);
    const outerProducts = this.rule.errors !== undefined && this.net.layers.every((layer) => layer.oneTermPerWeight);
    this.kept = outerProducts ? new KeptPattern(this.net.layers) : null;
  }

  get prediction(): Float64Array {
    return this.net.prediction;
  }

  learn(x: Float64Array, t: ArrayLike<number>): number {
    if (this.kept !== null && this.patterns === 0) {
      const E = this.rule.errors!(this.net, x, t);
      this.kept.keep(this.net);
      this.patterns = 1;
      return E;
    }
    if (this.kept !== null && this.patterns === 1) this.kept.addTo(this.pending);
    this.patterns++;
    return this.rule.accumulate(this.net, x, t, this.pending);
  }

  step(η: number): void {
    if (this.patterns === 0) return;
    if (this.kept !== null && this.patterns === 1) this.kept.step(η);
    else sgdStepAndClear(this.net.params, this.pending, η, this.patterns);
    this.patterns = 0;
    this.rule.batchBoundary?.();
  }

  evaluate(x: Float64Array, t: ArrayLike<number>): number {
    return this.net.evaluate(x, t);
  }

  gradient(inputs: Float64Array[], targets: ArrayLike<number>[]): GradientResult {
    const gradients = zerosLike(this.net.params);
    let loss = 0;
    const outputs: Float64Array[] = [];
    for (let p = 0; p < inputs.length; p++) {
      loss += this.rule.accumulate(this.net, inputs[p]!, targets[p]!, gradients);
      outputs.push(Float64Array.from(this.net.prediction));
    }
    return { loss, outputs, gradients };
  }

  snapshot(): Params {
    return cloneParams(this.net.params);
  }

  nonFiniteLayer(): number | null {
    const l = this.net.params.layers.findIndex((p) => !allFinite(p.weights) || !allFinite(p.bias));
    return l < 0 ? null : l;
  }
}

/** One pattern as each layer saw it: its input x⁽ˡ⁾ and its error Δz⁽ˡ⁾ (copies, preallocated). */
class KeptPattern {
  private readonly x: Float64Array[];
  private readonly Δz: Float64Array[];
  /** Each layer's own weights and biases, as the target of a backward pass. */
  private readonly own: LayerParams[];

  constructor(private readonly layers: readonly Layer[]) {
    this.own = layers.map((l) => ({ weights: l.w, bias: l.b }));
    this.x = layers.map((l) => new Float64Array(l.inSize));
    this.Δz = layers.map((l) => new Float64Array(l.outSize));
  }

  /** Copy x⁽ˡ⁾ and Δz⁽ˡ⁾ from the network after the rule's errors() (a later forward pass overwrites them). */
  keep(net: Network): void {
    for (let l = 0; l < this.layers.length; l++) {
      this.x[l]!.set(net.layerInput(l));
      this.Δz[l]!.set(net.Δz[l]!);
    }
  }

  /** sum += x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ: what the rule's accumulate() would have added for this pattern. */
  addTo(sum: Params): void {
    this.layers.forEach((layer, l) => layer.backward(this.x[l]!, this.Δz[l]!, sum.layers[l]!, null));
  }

  /** w ← w − η x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ, b ← b − η Δz⁽ˡ⁾ in every layer (B = 1): the backward pass into W itself. */
  step(η: number): void {
    this.layers.forEach((layer, l) => layer.backward(this.x[l]!, this.Δz[l]!, this.own[l]!, null, layer.w, -η));
  }
}
