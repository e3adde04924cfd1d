/**
 * The matrix engine: a Network and a MatrixRule, vectorised over whole layers.
 *   learn   the rule adds this pattern's update direction to a pending sum
 *   step    w ← w − (η/B) · sum,  then sum ← 0
 *
 * The outer-product road, taken when the rule declares `errors` (its direction for one pattern is
 * x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ, as back-prop's gradient ∂E/∂w_ij = x_i Δz_j) and every layer puts one term on each
 * weight (dense): learn() keeps the vectors x⁽ˡ⁾ and Δz⁽ˡ⁾ of the batch's first pattern, and at
 * B = 1 (the essay's stochastic update) step() applies w_ij ← w_ij − η x_i Δz_j straight to W:
 * one pass over W instead of three (accumulate, apply, clear), and the same numbers. For B > 1 it
 * keeps every pattern's x⁽ˡ⁾ and Δz⁽ˡ⁾, and step() forms Σ_p x_p Δz_pᵀ and applies it in one blocked
 * pass over W (batchGradientStep, run by nn/wasm/wasm-kernels.ts in nn/kernels.ts's order): W is
 * read once per batch, not once per pattern.
 * The sums run in increasing p from 0, as the pending sum adds them, so the numbers are the same.
 * Past KEPT_PATTERNS patterns the kept block is folded into the pending sum (in the same order).
 *
 * learnBatch() for back-prop also runs the forward and error passes of the batch as matrix
 * products, Z = X Wᵀ + b and ΔX = Δz W (batchAffine, batchTransposedProduct), each sum in the
 * order of the one-pattern pass, so its numbers are learn()'s, pattern by pattern.
 *
 * With more than one thread (engines/threads/thread-pool.ts, setThreads) the arrays live on
 * SharedArrayBuffers, and blocks of at least THREADED_PATTERNS patterns are split over the threads:
 * the forward product and the gradient by rows of W, the error product by patterns. Each number is computed
 * whole by one thread in the order above, so the threads never change a number. Nets with conv or
 * pool layers split back-prop's batches the same way (threads/pattern-batch.ts): each pattern's
 * errors by one thread, each gradient row by one thread over the patterns in order.
 */
import { allFinite } from '../core/tensor.ts';
import type { Engine } from '../nn/engine.ts';
import { addBatchBias, batchBiasStep } from '../nn/kernels.ts';
import {
  wasmAddBatchGradient as addBatchGradient,
  wasmBatchAffine as batchAffine,
  wasmBatchGradientStep as batchGradientStep,
  wasmBatchTransposedProduct as batchTransposedProduct,
} from '../nn/wasm/wasm-kernels.ts';
import type { Layer } from '../nn/layer.ts';
import { Network, sgdStepAndClear, type GradientResult, type NetworkOptions } from '../nn/network.ts';
import { usesVelocity, velocityStepParams, type SgdOptions } from '../nn/momentum-step.ts';
import { cloneParams, zerosLike, type LayerParams, type Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { residentCopy } from '../nn/wasm/resident-params.ts';
import type { MatrixRule } from '../rules/rule.ts';
import { backprop } from '../rules/backprop.ts';
import { newEngineId, sharedFloat64, threadCount, threadPool } from './threads/thread-pool.ts';
import { Op, type SharedLayer } from './threads/shard.ts';
import { PatternBatch } from './threads/pattern-batch.ts';

export class MatrixEngine implements Engine {
  readonly name = 'matrix' as const;
  readonly net: Network;
  readonly rule: MatrixRule;
  /** The pending sum of update directions. */
  private readonly pending: Params;
  /** The batch's patterns, kept as x⁽ˡ⁾ and Δz⁽ˡ⁾ on the outer-product road, else null. */
  private readonly kept: KeptPatterns | null;
  private patterns = 0;
  /** Whether part of this batch was folded into the pending sum. */
  private folded = false;
  /** With threads, for nets off the outer-product road (conv, pool): back-prop's batches split by patterns. */
  private readonly patternBatch: PatternBatch | null;
  /** Each weight's velocity, once a step with momentum or weight decay has been taken. */
  private velocity: Params | null = null;

  /** `params` is copied: the engine owns its weights. */
  constructor(
    spec: NetSpec,
    params: Params,
    readonly createRule: (net: Network) => MatrixRule,
    options: NetworkOptions = {},
  ) {
    const shared = threadCount() > 1;
    // W in a WebAssembly memory (shared with threads), where the one-pattern products run without copying it.
    this.net = new Network(spec, residentCopy(params, shared), options);
    this.rule = createRule(this.net);
    this.pending = shared ? sharedCopy(params, false) : zerosLike(params);
    const outerProducts = this.rule.errors !== undefined && this.net.layers.every((layer) => layer.oneTermPerWeight);
    this.kept = outerProducts ? new KeptPatterns(this.net.layers, shared ? this.pending : null) : null;
    this.patternBatch = shared && !outerProducts ? new PatternBatch(this.net, options, this.pending) : null;
  }

  get prediction(): Float64Array {
    return this.net.prediction;
  }

  learn(x: Float64Array, t: ArrayLike<number>): number {
    if (this.kept === null) {
      this.patterns++;
      return this.rule.accumulate(this.net, x, t, this.pending);
    }
    const E = this.rule.errors!(this.net, x, t);
    if (this.kept.count === KEPT_PATTERNS) {
      this.kept.foldInto(this.pending);
      this.folded = true;
    }
    this.kept.keep(this.net);
    this.patterns++;
    return E;
  }

  learnBatch(inputs: readonly Float64Array[], targets: readonly ArrayLike<number>[]): Float64Array {
    const E = new Float64Array(inputs.length);
    // Batched forward and error passes are back-prop's (other rules form their errors their own way).
    if (this.kept === null || this.rule !== backprop) {
      const pool = this.rule === backprop && inputs.length >= THREADED_PATTERNS ? threadPool() : null;
      if (this.patternBatch !== null && pool !== null) {
        this.patternBatch.learn(pool, inputs, targets, E); // the network's own state is not the last pattern's
        this.patterns += inputs.length;
      } else for (let p = 0; p < inputs.length; p++) E[p] = this.learn(inputs[p]!, targets[p]!);
      return E;
    }
    for (let from = 0; from < inputs.length; ) {
      if (this.kept.count === KEPT_PATTERNS) {
        this.kept.foldInto(this.pending);
        this.folded = true;
      }
      const to = Math.min(inputs.length, from + KEPT_PATTERNS - this.kept.count);
      this.kept.backpropErrors(this.net, inputs, targets, from, to, E);
      this.patterns += to - from;
      from = to;
    }
    return E;
  }

  step(η: number, sgd?: SgdOptions): void {
    if (this.patterns === 0) return;
    if (usesVelocity(sgd)) {
      // Momentum or decay: the whole sum is formed, then each weight's velocity steps (nn/momentum-step.ts).
      this.kept?.foldInto(this.pending);
      this.velocity ??= zerosLike(this.net.params);
      velocityStepParams(this.net.params, this.velocity, this.pending, this.patterns, η, sgd);
    } else if (this.kept === null) sgdStepAndClear(this.net.params, this.pending, η, this.patterns);
    else if (this.folded) {
      this.kept.foldInto(this.pending);
      sgdStepAndClear(this.net.params, this.pending, η, this.patterns);
    } else if (this.patterns === 1) this.kept.stepOne(η);
    else this.kept.step(η / this.patterns);
    this.kept?.clear();
    this.patterns = 0;
    this.folded = false;
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

/** Patterns kept per layer before they are folded into the pending sum (bounds the memory held). */
const KEPT_PATTERNS = 64;
/** The smallest block of patterns split over threads (below it, starting the threads costs more than it saves). */
const THREADED_PATTERNS = 16;

/** A copy of `params` (or zeros) on SharedArrayBuffers. */
function sharedCopy(params: Params, values: boolean): Params {
  return {
    layers: params.layers.map(({ weights, bias }) => {
      const w = sharedFloat64(weights.length),
        b = sharedFloat64(bias.length);
      if (values) {
        w.set(weights);
        b.set(bias);
      }
      return { weights: w, bias: b };
    }),
  };
}

/** Patterns as each layer saw them: inputs x⁽ˡ⁾ and errors Δz⁽ˡ⁾, row p for pattern p (copies). */
class KeptPatterns {
  count = 0;
  private capacity = 1;
  private x: Float64Array[];
  private Δz: Float64Array[];
  /** Scratch of learnBatch, row p for pattern p: each layer's Z, the last layer's Y, and Δy (the widest layer's). */
  private z: Float64Array[];
  private yOut: Float64Array;
  private Δy: Float64Array;
  /** Each layer's own weights and biases, as the target of a backward pass. */
  private readonly own: LayerParams[];

  /** With threads: every array at full capacity on SharedArrayBuffers, as the workers see them. */
  private readonly shared: SharedLayer[] | null = null;
  private readonly id = newEngineId();

  /** `pending` (on SharedArrayBuffers) when the engine may use threads, else null. */
  constructor(
    private readonly layers: readonly Layer[],
    pending: Params | null,
  ) {
    this.own = layers.map((l) => ({ weights: l.w, bias: l.b }));
    const make = pending === null ? (length: number) => new Float64Array(length) : sharedFloat64;
    if (pending !== null) this.capacity = KEPT_PATTERNS;
    const rows = this.capacity;
    this.x = layers.map((l) => make(rows * l.inSize));
    this.Δz = layers.map((l) => make(rows * l.outSize));
    this.z = layers.map((l) => make(pending === null ? 0 : rows * l.outSize));
    this.yOut = make(pending === null ? 0 : rows * layers[layers.length - 1]!.outSize);
    this.Δy = make(pending === null ? 0 : rows * Math.max(...layers.map((l) => Math.max(l.inSize, l.outSize))));
    if (pending !== null) {
      this.shared = layers.map((l, k) => ({
        m: l.outSize,
        n: l.inSize,
        w: l.w,
        b: l.b,
        g: pending.layers[k]!.weights,
        x: this.x[k]!,
        Δz: this.Δz[k]!,
        z: this.z[k]!,
        Δy: this.Δy,
      }));
    }
  }

  /** The pool, when a block of B patterns is worth splitting and the arrays are shared; else null. */
  private pool(B: number): ReturnType<typeof threadPool> {
    return this.shared !== null && B >= THREADED_PATTERNS ? threadPool() : null;
  }

  /** Copy x⁽ˡ⁾ and Δz⁽ˡ⁾ from the network after the rule's errors() (a later forward pass overwrites them). */
  keep(net: Network): void {
    if (this.count === this.capacity) this.grow();
    const p = this.count++;
    for (let l = 0; l < this.layers.length; l++) {
      const { inSize: n, outSize: m } = this.layers[l]!;
      this.x[l]!.set(net.layerInput(l), p * n);
      this.Δz[l]!.set(net.Δz[l]!, p * m);
    }
  }

  clear(): void {
    this.count = 0;
  }

  /**
   * Back-prop's errors for patterns from..to−1 as a block of rows after the kept ones, with the
   * network's backpropErrors equations: Z = X Wᵀ + b, Y = g(Z) (the next layer's X), E and Δy from
   * the loss per pattern, Δz = g'(Z) ⊙ Δy, and Δy of the layer below = Δz W. E[p] gets each E.
   */
  backpropErrors(
    net: Network,
    inputs: readonly Float64Array[],
    targets: readonly ArrayLike<number>[],
    from: number,
    to: number,
    E: Float64Array,
  ): void {
    const first = this.count,
      B = to - from,
      L = this.layers.length;
    while (this.capacity < first + B) this.grow();
    if (this.yOut.length < this.capacity * this.layers[L - 1]!.outSize) {
      this.z = this.layers.map((layer) => new Float64Array(KEPT_PATTERNS * layer.outSize));
      this.yOut = new Float64Array(KEPT_PATTERNS * this.layers[L - 1]!.outSize);
      this.Δy = new Float64Array(
        KEPT_PATTERNS * Math.max(...this.layers.map((layer) => Math.max(layer.inSize, layer.outSize))),
      );
    }
    const n0 = this.layers[0]!.inSize,
      pool = this.pool(B);
    for (let p = 0; p < B; p++) this.x[0]!.set(inputs[from + p]!, (first + p) * n0);
    for (let l = 0; l < L; l++) {
      const { inSize: n, outSize: m, w, b, activation } = this.layers[l]!;
      const Z = this.z[l]!.subarray(first * m, (first + B) * m);
      if (pool !== null) pool.run(this.id, this.shared!, Op.forward, l, B, first, 0);
      else batchAffine(w, b, this.x[l]!.subarray(first * n, (first + B) * n), Z, B, m, n);
      const Y = l + 1 < L ? this.x[l + 1]!.subarray(first * m, (first + B) * m) : this.yOut.subarray(first * m);
      for (let k = 0; k < Z.length; k++) Y[k] = activation.g(Z[k]!);
    }
    const m = this.layers[L - 1]!.outSize;
    for (let p = 0; p < B; p++) {
      const y = this.yOut.subarray((first + p) * m, (first + p + 1) * m);
      E[from + p] = net.loss.evaluate(y, targets[from + p]!, net.prediction, this.Δy.subarray((first + p) * m));
    }
    for (let l = L - 1; l >= 0; l--) {
      const { inSize: n, outSize: m, w, activation } = this.layers[l]!;
      const rows = (a: Float64Array, size: number) => a.subarray(first * size, (first + B) * size);
      const Z = rows(this.z[l]!, m),
        Y = l + 1 < L ? rows(this.x[l + 1]!, m) : rows(this.yOut, m);
      const Δy = rows(this.Δy, m),
        D = rows(this.Δz[l]!, m);
      for (let k = 0; k < D.length; k++) D[k] = activation.dg(Z[k]!, Y[k]!) * Δy[k]!;
      if (l > 0 && pool !== null) pool.run(this.id, this.shared!, Op.error, l, B, first, 0);
      else if (l > 0) batchTransposedProduct(w, D, rows(this.Δy, n), B, m, n);
    }
    this.count = first + B;
  }

  /** sum += Σ_p x_p⁽ˡ⁾ Δz_p⁽ˡ⁾ᵀ in increasing p: what the rule's accumulate() would have added; then clear. */
  foldInto(sum: Params): void {
    const pool = this.pool(this.count);
    this.layers.forEach((layer, l) => {
      const into = sum.layers[l]!;
      addBatchBias(into.bias, this.Δz[l]!, this.count, layer.outSize);
      if (pool !== null && into.weights === this.shared![l]!.g)
        pool.run(this.id, this.shared!, Op.fold, l, this.count, 0, 0);
      else addBatchGradient(into.weights, this.x[l]!, this.Δz[l]!, this.count, layer.outSize, layer.inSize);
    });
    this.count = 0;
  }

  /** w ← w − s · Σ_p x_p Δz_pᵀ, b ← b − s · Σ_p Δz_p in every layer (s = η/B): one pass over W. */
  step(s: number): void {
    const pool = this.pool(this.count);
    this.layers.forEach((layer, l) => {
      batchBiasStep(layer.b, s, this.Δz[l]!, this.count, layer.outSize);
      if (pool !== null) pool.run(this.id, this.shared!, Op.step, l, this.count, 0, s);
      else batchGradientStep(layer.w, s, this.x[l]!, this.Δz[l]!, this.count, layer.outSize, layer.inSize);
    });
  }

  /** w ← w − η x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ, b ← b − η Δz⁽ˡ⁾ in every layer (B = 1): the backward pass into W itself. */
  stepOne(η: number): void {
    this.layers.forEach((layer, l) => {
      const x = this.x[l]!.subarray(0, layer.inSize),
        Δz = this.Δz[l]!.subarray(0, layer.outSize);
      layer.backward(x, Δz, this.own[l]!, null, layer.w, -η);
    });
  }

  private grow(): void {
    this.capacity = Math.min(2 * this.capacity, KEPT_PATTERNS);
    this.x = this.x.map((a, l) => grown(a, this.capacity * this.layers[l]!.inSize));
    this.Δz = this.Δz.map((a, l) => grown(a, this.capacity * this.layers[l]!.outSize));
  }
}

function grown(a: Float64Array, length: number): Float64Array {
  const b = new Float64Array(length);
  b.set(a);
  return b;
}
