/**
 * The matrix engine: a Network and a MatrixRule, vectorised over whole layers.
 *   learn   the rule adds this pattern's update direction to a pending sum
 *   step    w ← w − (η/B) · sum,  then sum ← 0
 *
 * Per-pattern back-prop on an all-dense net (B = 1, the essay's stochastic update) skips the sum:
 * one pattern's gradient is the outer product ∂E/∂w_ij = x_i Δz_j, so learn() keeps the vectors
 * x⁽ˡ⁾ and Δz⁽ˡ⁾, and step() applies w_ij ← w_ij − η x_i Δz_j straight to W (Dense.rankOneStep):
 * one pass over W instead of three (accumulate, apply, clear), and the same numbers. If a second
 * pattern arrives before the step, the kept one is added to the pending sum and the batch goes on
 * the usual way.
 */
import type { Engine } from '../nn/engine.ts';
import { allFinite } from '../core/tensor.ts';
import { Dense } from '../nn/dense.ts';
import { Network, sgdStepAndClear, type GradientResult, type NetworkOptions } from '../nn/network.ts';
import { cloneParams, zerosLike, type Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { backprop } from '../rules/backprop.ts';
import type { MatrixRule } from '../rules/rule.ts';

export class MatrixEngine implements Engine {
  readonly name = 'matrix' as const;
  readonly net: Network;
  readonly rule: MatrixRule;
  /** The pending sum of update directions. */
  private readonly pending: Params;
  /** The first pattern of the batch, kept as x⁽ˡ⁾ and Δz⁽ˡ⁾ (back-prop on dense nets), else null. */
  private readonly kept: KeptPattern | null;
  private patterns = 0;

  /** `params` is copied: the engine owns its weights. */
  constructor(spec: NetSpec, params: Params, readonly createRule: (net: Network) => MatrixRule, options: NetworkOptions = {}) {
    this.net = new Network(spec, cloneParams(params), options);
    this.rule = createRule(this.net);
    this.pending = zerosLike(params);
    const dense = this.net.layers.every((layer) => layer instanceof Dense);
    this.kept = this.rule === backprop && dense ? new KeptPattern(this.net.layers as Dense[]) : null;
  }

  get prediction(): Float64Array {
    return this.net.prediction;
  }

  learn(x: Float64Array, t: ArrayLike<number>): number {
    if (this.kept !== null && this.patterns === 0) {
      const E = this.net.backpropErrors(x, t);
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

/** One pattern as each dense layer saw it: its input x⁽ˡ⁾ and its error Δz⁽ˡ⁾ (copies, preallocated). */
class KeptPattern {
  private readonly x: Float64Array[];
  private readonly Δz: Float64Array[];

  constructor(private readonly layers: readonly Dense[]) {
    this.x = layers.map((l) => new Float64Array(l.inSize));
    this.Δz = layers.map((l) => new Float64Array(l.outSize));
  }

  /** Copy x⁽ˡ⁾ and Δz⁽ˡ⁾ from the network's last backpropErrors (a later forward pass overwrites them). */
  keep(net: Network): void {
    for (let l = 0; l < this.layers.length; l++) {
      this.x[l]!.set(net.layerInput(l));
      this.Δz[l]!.set(net.Δz[l]!);
    }
  }

  /** sum += x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ: what the back-prop rule would have added for this pattern. */
  addTo(sum: Params): void {
    this.layers.forEach((layer, l) => layer.accumulateGradient(this.x[l]!, this.Δz[l]!, sum.layers[l]!.weights, sum.layers[l]!.bias));
  }

  /** w ← w − η x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ in every layer (B = 1). */
  step(η: number): void {
    this.layers.forEach((layer, l) => layer.rankOneStep(this.x[l]!, this.Δz[l]!, η));
  }
}
