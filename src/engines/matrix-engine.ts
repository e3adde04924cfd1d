/** The matrix engine: a Network and a MatrixRule, vectorised over whole layers. */
import type { Engine } from '../nn/engine.ts';
import { clearParams, Network, sgdStep, type GradientResult, type NetworkOptions } from '../nn/network.ts';
import { cloneParams, zerosLike, type Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import type { MatrixRule } from '../rules/rule.ts';

export class MatrixEngine implements Engine {
  readonly name = 'matrix' as const;
  readonly net: Network;
  readonly rule: MatrixRule;
  private readonly pending: Params;
  private patterns = 0;

  /** `params` is copied: the engine owns its weights. */
  constructor(spec: NetSpec, params: Params, readonly createRule: (net: Network) => MatrixRule, options: NetworkOptions = {}) {
    this.net = new Network(spec, cloneParams(params), options);
    this.rule = createRule(this.net);
    this.pending = zerosLike(params);
  }

  get prediction(): Float64Array {
    return this.net.prediction;
  }

  learn(x: Float64Array, t: ArrayLike<number>): number {
    this.patterns++;
    return this.rule.accumulate(this.net, x, t, this.pending);
  }

  step(η: number): void {
    if (this.patterns === 0) return;
    sgdStep(this.net.params, this.pending, η, this.patterns);
    clearParams(this.pending);
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
    const l = this.net.params.layers.findIndex((p) => !p.weights.every(Number.isFinite) || !p.bias.every(Number.isFinite));
    return l < 0 ? null : l;
  }
}
