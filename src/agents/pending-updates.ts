/**
 * A dense neuron's pending local updates between batch boundaries: the batching bookkeeping of its
 * synapses, kept apart from the neuron's equations. The numbers are those of summing every pattern's
 * x_i Δz_j into a zeroed sum, in pattern order, and stepping w −= (η/B)·sum (the matrix engine's):
 *   learn      Σ Δz_j for the bias; the pattern's eligibility (trace x, Δz_j) is held, not yet summed
 *   fold       Σ_p x_pi Δz_pj += x_i Δz_j for the held pattern, when another pattern comes
 *   boundary   the change is fixed: (η/B)·(x_i Δz_j) for a single held pattern, else (η/B)·Σ
 *   write      the synapse writes the fixed change into w_ij the next time it carries a signal, in the
 *              same pass as that forward sum (W is walked once per pattern, not twice), or when the
 *              weights are read; every use of w_ij after the boundary sees the new weight
 * A pattern with Δz_j = 0 and a finite trace adds only zeros and is not held.
 * In a lockstep layer (layer-rows.ts) w and the sums are the neuron's rows of its layer's memory, and the
 * layer's kernel folds the held pattern or writes a due rank-one change for it, in the same operations.
 * With momentum or weight decay the boundary writes at once instead: each synapse keeps its velocity v_ij beside
 * w_ij and steps it (nn/momentum-step.ts), v_ij ← μ·v_ij + (Σ/B + λ·w_ij), w_ij ← w_ij − η·v_ij; the bias too.
 */
import { nextVelocity, velocityStepAndClear, type SgdOptions } from '../nn/momentum-step.ts';
import { addScaled, potentialAfterRankOne, potentialAfterSum, sparsePotential } from './dendrite.ts';
import type { LayerRows } from './layer-rows.ts';

const NO_TRACE = new Float64Array(0);

/** A change fixed at a batch boundary: none; w_i −= s·(x_i Δz) for the one held pattern; or w_i −= s·gw_i, gw_i = 0. */
export type Due = 'none' | 'rank-one' | 'sum';

export class PendingUpdates {
  /** Σ x_i Δz_j of the patterns folded in (all zero unless `summed`), and Σ Δz_j for the bias. */
  readonly gw: Float64Array;
  gb = 0;
  private summed = false;
  /** The last learned pattern's eligibility, not yet folded in: its trace and its Δz_j. */
  private held: Float64Array | null = null;
  private heldΔz = 0;
  /** The change fixed at the last batch boundary, not yet written into w: none, one pattern's, or the sum's. */
  private due: Due = 'none';
  private dueScale = 0;
  private dueX: Float64Array = NO_TRACE;
  private dueΔz = 0;
  /** Each synapse's velocity and the bias's, once a step with momentum or weight decay has been taken. */
  private velocity: Float64Array | null = null;
  private biasVelocity = 0;
  /** Lockstep: the neuron's layer, whose sums formed from a volley stop counting once any row changes. */
  private readonly rows: LayerRows | null;

  /**
   * The neuron's own weights, and the presynaptic neuron of each synapse (null: synapse i from neuron i); in a
   * lockstep layer (layer-rows.ts), its row of pending sums there, and the layer, told of every change.
   */
  constructor(
    private readonly w: Float64Array,
    private readonly pre: Int32Array | null,
    lockstep: { sums: Float64Array; rows: LayerRows } | null = null,
  ) {
    this.gw = lockstep?.sums ?? new Float64Array(w.length);
    this.rows = lockstep?.rows ?? null;
  }

  /** Lockstep (layer-rows.ts): the held pattern's trace (null: none) and Δz_j, folded in by the layer's kernel. */
  get heldTrace(): Float64Array | null {
    return this.held;
  }

  get heldDelta(): number {
    return this.heldΔz;
  }

  /** Lockstep: the change due, its step size s, and for a rank-one change its trace and Δz_j, written by the kernel. */
  get dueKind(): Due {
    return this.due;
  }

  get dueTrace(): Float64Array {
    return this.dueX;
  }

  get dueDelta(): number {
    return this.dueΔz;
  }

  get dueStepSize(): number {
    return this.dueScale;
  }

  /** Lockstep: the kernel folded the held pattern into gw. */
  folded(): void {
    this.summed = true;
    this.held = null;
  }

  /** Lockstep: the kernel wrote the due change into w (and, for a sum, zeroed gw). */
  written(): void {
    this.due = 'none';
    this.dueX = NO_TRACE;
    this.summed = false;
  }

  /** Whether a change fixed at the last boundary still waits to be written into w. */
  get isDue(): boolean {
    return this.due !== 'none';
  }

  /** A learned pattern: Δz_j, with the synapses' trace x (finite: no value of x is infinite or NaN). */
  learn(x: Float64Array, finite: boolean, Δz: number): void {
    this.rows?.changed();
    if (this.held !== null && this.due === 'sum') this.fold(); // a lockstep row's, kept from the boundary
    this.gb += Δz;
    if (Δz !== 0 || !finite) {
      this.held = x;
      this.heldΔz = Δz;
    }
  }

  /** A new trace is coming in the buffer the held one uses: fold the held eligibility in first. */
  release(): void {
    if (this.held === null) return;
    this.rows?.changed();
    this.fold();
  }

  /** The batch boundary, with scale η/B: fix each synapse's change. Returns Σ Δz_j, the bias's sum, now cleared. */
  boundary(scale: number): number {
    this.rows?.changed();
    if (this.held !== null && !this.summed) {
      this.due = 'rank-one';
      this.dueX = this.held;
      this.dueΔz = this.heldΔz;
      this.held = null;
    } else {
      // A lockstep row keeps its held pattern: the layer's kernel folds it just before writing the sum.
      if (this.held !== null && this.rows === null) this.fold();
      this.due = this.summed ? 'sum' : 'none';
    }
    this.dueScale = scale;
    const gb = this.gb;
    this.gb = 0;
    return gb;
  }

  /** The batch boundary with momentum or weight decay: every synapse steps its velocity now. Returns the new bias. */
  velocityBoundary(b: number, B: number, η: number, sgd: SgdOptions): number {
    this.rows?.changed();
    this.writeDue();
    if (this.held !== null) this.fold();
    this.velocity ??= new Float64Array(this.w.length);
    velocityStepAndClear(this.w, this.velocity, this.gw, B, η, sgd);
    this.summed = false;
    this.biasVelocity = nextVelocity(this.biasVelocity, this.gb, B, b, sgd);
    this.gb = 0;
    return b - η * this.biasVelocity;
  }

  /** Write the due change into each w_i and, in the same pass, return b + Σ_i w_i x_i with the new w_i. */
  writeDueAndSum(b: number, x: Float64Array): number {
    this.rows?.changed();
    if (this.held !== null && this.due === 'sum') this.fold();
    const { w, pre } = this;
    if (pre !== null) {
      this.writeDue();
      return sparsePotential(b, w, x, pre);
    }
    const z =
      this.due === 'rank-one'
        ? potentialAfterRankOne(b, w, x, this.dueScale, this.dueX, this.dueΔz)
        : potentialAfterSum(b, w, x, this.dueScale, this.gw);
    this.summed = false; // rank-one: it was not; sum: gw is zero again
    this.due = 'none';
    this.dueX = NO_TRACE;
    return z;
  }

  /** Write the due change into the weights (if any). */
  writeDue(): void {
    if (this.due === 'none') return;
    this.rows?.changed();
    if (this.due === 'sum' && this.held !== null) this.fold();
    const { w, gw, pre } = this;
    const s = this.dueScale;
    if (this.due === 'rank-one') {
      const d = this.dueX;
      const Δz = this.dueΔz;
      if (pre === null) for (let i = 0; i < w.length; i++) w[i] -= s * (d[i]! * Δz);
      else for (let t = 0; t < w.length; t++) w[t] -= s * (d[pre[t]!]! * Δz);
    } else {
      for (let i = 0; i < w.length; i++) w[i] -= s * gw[i]!;
      gw.fill(0);
      this.summed = false;
    }
    this.due = 'none';
    this.dueX = NO_TRACE;
  }

  /** The pending sums, with any due change written and the held pattern folded in. */
  sums(): { gw: Float64Array; gb: number } {
    this.rows?.changed(); // the caller may write into gw
    this.writeDue();
    if (this.held !== null) this.fold();
    return { gw: this.gw, gb: this.gb };
  }

  /** Replace the pending sums (any due change is written first). */
  setSums(gw: ArrayLike<number>, gb: number): void {
    this.rows?.changed();
    this.writeDue();
    this.held = null;
    this.gw.set(gw);
    this.summed = true;
    this.gb = gb;
  }

  /** Σ x_i Δz_j += x_i Δz_j for the held pattern. */
  private fold(): void {
    const { gw, pre } = this;
    const x = this.held!;
    const Δz = this.heldΔz;
    if (pre === null) addScaled(gw, x, Δz);
    else for (let t = 0; t < gw.length; t++) gw[t] += x[pre[t]!]! * Δz;
    this.summed = true;
    this.held = null;
  }
}
