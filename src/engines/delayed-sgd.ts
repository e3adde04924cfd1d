/**
 * Overlapping presentations in matrix form (README, The agents engine): per-layer delayed SGD, batch 1.
 * It derives from the delays alone when each row (neuron) of each layer reads its weights, and computes
 * the weights the agents engine's circuit (engines/overlap-engine.ts) reaches, to rounding.
 *
 * Timing, relative to a pattern's slot (it enters at slot S + k·P): the neuron j of layer l reads its
 * forward input at f_lj and its error at e_lj,
 *   f_0j = d(input → j);   a layer's volley leaves its tract at V_l = max_j (f_lj + d(axon j));
 *   f_(l+1)j = V_l;   the teacher answers at V_(L−1);   e_(L−1)j = V_(L−1) + d(teacher → j);
 *   the error tract of layer l hands Δy down at max_j (e_lj + d(error axon j)) = e_(l−1)i for every i;
 *   direct feedback alignment: hidden layer l's error comes at max_k (e_(L−1)k + d(output k → layer l)).
 * Tie rule (agents/overlap-neuron.ts): an error arriving at tick t is written at t + ½. So pattern q's
 * update of row lj is visible to pattern k's forward read iff q·P + e_lj < k·P + f_lj, i.e. q ≤ k − lag_lj,
 *   lag_lj = ⌊(e_lj − f_lj)/P⌋ + 1       (P large: lag 1, plain SGD)
 * and, since a row's errors arrive in pattern order, every earlier pattern's update is written before
 * pattern k's error reaches the row. With W⁽ᵛ⁾ the weights after v updates (patterns 0 … v−1):
 *   forward of pattern n, row lj:  W⁽ᵛ⁾ with v = s + max(0, n − s − lag_lj + 1)  (s: patterns before the
 *                                  last drain, all complete)
 *   backward, row lj pushes:       stale W⁽ⁿ⁾ (the weights now); stash W⁽ᵛ⁾ (its forward's); FA: B;
 *                                  DFA: Δy⁽ˡ⁾ = B⁽ˡ⁾ᵀ Δz⁽ᴸ⁾ for every hidden l, the output's Δz of this pattern
 *   update:                        W⁽ⁿ⁺¹⁾ = W⁽ⁿ⁾ − η Δz⁽ⁿ⁾ x⁽ⁿ⁾ᵀ,  b⁽ⁿ⁺¹⁾ = b⁽ⁿ⁾ − η Δz⁽ⁿ⁾
 * with Δz = g'(z) ⊙ Δy, z and x from the forward above, Δy from the loss at the output and pushed down.
 */
import { makeActivation, type Activation } from '../nn/activation.ts';
import { makeLoss, type Loss } from '../nn/loss.ts';
import type { Params } from '../nn/params.ts';
import { resolveLayers, type DenseSpec, type NetSpec, type ResolvedLayer } from '../nn/spec.ts';
import { potential } from '../nn/kernels.ts';
import { sizeOf } from '../core/tensor.ts';
import type { OverlapDelays } from '../agents/overlap-circuit.ts';
import type { WeightVersion } from '../agents/overlap-neuron.ts';

/** Per layer, per row: forward read and error arrival (ticks after the slot), and the lag in patterns. */
export interface OverlapSchedule {
  readonly forward: readonly (readonly number[])[];
  readonly error: readonly (readonly number[])[];
  readonly lag: readonly (readonly number[])[];
}

/** The schedule of a circuit with these delays, a pattern every P ticks. */
export function overlapSchedule(delays: OverlapDelays, P: number): OverlapSchedule {
  const L = delays.axon.length;
  const forward: number[][] = [];
  let f = [...delays.input];
  let volley = 0;
  for (let l = 0; l < L; l++) {
    forward.push(f);
    const row = f;
    volley = Math.max(...row.map((t, j) => t + delays.axon[l]![j]!));
    if (l < L - 1) f = delays.axon[l + 1]!.map(() => volley);
  }
  const error: number[][] = new Array(L);
  error[L - 1] = delays.nudge.map((d) => volley + d);
  const direct = delays.direct;
  if (direct !== undefined) {
    for (let l = 0; l < L - 1; l++) {
      const arrives = Math.max(...error[L - 1]!.map((t, k) => t + direct[k]![l]!));
      error[l] = forward[l]!.map(() => arrives);
    }
  }
  for (let l = L - 1; l >= 1 && direct === undefined; l--) {
    const down = Math.max(...error[l]!.map((t, j) => t + delays.error[l]![j]!));
    error[l - 1] = forward[l - 1]!.map(() => down);
  }
  const lag = forward.map((row, l) => row.map((t, j) => Math.floor((error[l]![j]! - t) / P) + 1));
  return { forward, error, lag };
}

/** What one pattern did: its E (at its delayed forward pass), and per layer its input x and Δz. */
export interface DelayedUpdate {
  E: number;
  x: Float64Array[];
  Δz: Float64Array[];
  prediction: Float64Array;
}

interface Version {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

export class DelayedSgd {
  private readonly activations: Activation[];
  private readonly loss: Loss;
  private readonly fanIn: number[];
  private readonly units: number[];
  /** Per layer: the versions still needed, by number of updates applied. */
  private readonly versions: Map<number, Version>[];
  private readonly maxLag: number;
  /** Patterns learned so far (n), and before the last drain (s). */
  private n = 0;
  private s = 0;

  /**
   * `feedback[l]` ([units][fanIn]) pushes instead of W (feedback alignment), or null; `direct`: direct feedback
   * alignment, `feedback[l]` the hidden layer l's B ([n_L][n_l]).
   */
  constructor(
    readonly spec: NetSpec,
    params: Params,
    readonly schedule: OverlapSchedule,
    readonly weightVersion: WeightVersion,
    private readonly feedback: readonly (Float64Array | null)[] = [],
    private readonly direct = false,
  ) {
    const layers = resolveLayers(spec);
    this.activations = layers.map((l) => makeActivation((l as ResolvedLayer & DenseSpec).activation));
    this.loss = makeLoss(spec.loss);
    this.fanIn = layers.map((l) => sizeOf(l.inShape));
    this.units = layers.map((l) => sizeOf(l.outShape));
    this.versions = params.layers.map((p) => new Map([[0, { weights: p.weights.slice(), bias: p.bias.slice() }]]));
    this.maxLag = Math.max(...schedule.lag.flat());
  }

  /** The weights now (after every pattern learned). */
  current(): Params {
    return {
      layers: this.versions.map((v) => {
        const { weights, bias } = v.get(this.n)!;
        return { weights: weights.slice(), bias: bias.slice() };
      }),
    };
  }

  /** Presentation pauses until every pattern in flight is done (the engine's drain). */
  drain(): void {
    this.s = this.n;
  }

  learn(x0: Float64Array, t: ArrayLike<number>, η: number): DelayedUpdate {
    const { n, s } = this;
    const L = this.units.length;
    const xs: Float64Array[] = [];
    const zs: Float64Array[] = [];
    const ys: Float64Array[] = [];
    const read: number[][] = [];
    let x = x0;
    for (let l = 0; l < L; l++) {
      const m = this.units[l]!;
      const k = this.fanIn[l]!;
      const z = new Float64Array(m);
      const y = new Float64Array(m);
      const v = this.schedule.lag[l]!.map((lag) => s + Math.max(0, n - s - lag + 1));
      for (let j = 0; j < m; j++) {
        const { weights, bias } = this.versions[l]!.get(v[j]!)!;
        z[j] = potential(bias[j]!, weights.subarray(j * k, (j + 1) * k), x);
        y[j] = this.activations[l]!.g(z[j]!);
      }
      xs.push(x);
      zs.push(z);
      ys.push(y);
      read.push(v);
      x = y;
    }
    const prediction = new Float64Array(this.units[L - 1]!);
    let Δy = new Float64Array(this.units[L - 1]!);
    const E = this.loss.evaluate(ys[L - 1]!, t, prediction, Δy);
    const Δzs: Float64Array[] = new Array(L);
    for (let l = L - 1; l >= 0; l--) {
      const m = this.units[l]!;
      const k = this.fanIn[l]!;
      const Δz = new Float64Array(m);
      for (let j = 0; j < m; j++) Δz[j] = this.activations[l]!.dg(zs[l]![j]!, ys[l]![j]!) * Δy[j]!;
      Δzs[l] = Δz;
      if (l === 0) break;
      if (this.direct) {
        // Every hidden layer from the output's Δz, through its own B, k = 0, 1, … as the tracts sum.
        const e = Δzs[L - 1]!;
        const n = this.units[l - 1]!;
        const B = this.feedback[l - 1]!;
        Δy = new Float64Array(n);
        for (let o = 0; o < e.length; o++) for (let i = 0; i < n; i++) Δy[i] += B[o * n + i]! * e[o]!;
        continue;
      }
      const below = new Float64Array(k);
      for (let j = 0; j < m; j++) {
        const back =
          this.feedback[l] ?? this.versions[l]!.get(this.weightVersion === 'stash' ? read[l]![j]! : n)!.weights;
        const row = j * k;
        for (let i = 0; i < k; i++) below[i] += back[row + i]! * Δz[j]!;
      }
      Δy = below;
    }
    for (let l = 0; l < L; l++) {
      const { weights, bias } = this.versions[l]!.get(n)!;
      const w = weights.slice();
      const b = bias.slice();
      const k = this.fanIn[l]!;
      const Δz = Δzs[l]!;
      const xl = xs[l]!;
      for (let j = 0; j < Δz.length; j++) {
        const row = j * k;
        for (let i = 0; i < k; i++) w[row + i] = w[row + i]! - η * (xl[i]! * Δz[j]!);
        b[j] = b[j]! - η * Δz[j]!;
      }
      const versions = this.versions[l]!;
      versions.set(n + 1, { weights: w, bias: b });
      // The next pattern reads versions ≥ n + 2 − lag; pushes read version n + 1.
      for (const v of versions.keys()) if (v < n + 2 - this.maxLag) versions.delete(v);
    }
    this.n = n + 1;
    return { E, x: xs, Δz: Δzs, prediction };
  }
}
