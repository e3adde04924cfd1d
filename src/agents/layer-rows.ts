/**
 * The rows of a dense layer's neurons, computed in lockstep (README, The agents engine). Neuron j's
 * incoming weights are row j of one WebAssembly memory per circuit, and its pending sums row j beside
 * them; the neuron owns its row: only its own events (its learning, its batch boundary) decide what
 * is written there. When a volley reaches the layer, the first neuron to take it runs the kernels
 * once for the whole layer, as SIMD lanes run one instruction for many sums: every row does what its
 * own forward pass would do first, then every row forms its own sum, and each neuron reads back only
 * its own z_j:
 *   fold       g_ji ← g_ji + 1·(x_i Δz_j)     rows holding a pattern (pending-updates.ts)
 *   write      w_ji ← w_ji + (−s)·(x_i Δz_j)  rows with one pattern's change due after a boundary
 *   step       w_ji ← w_ji − s·g_ji, g_ji ← 0  rows with a minibatch's sum due (after their fold)
 *   sum        z_j = b_j + Σ_i w_ji x_i        every row, in increasing i
 * These are kernels.wat's outer1, step1 and affine1, whose lanes are two entries or two rows (never
 * two halves of one sum), so each number is the row kernels' (nn/kernels.ts) bit for bit: 1·v = v,
 * and w + (−s)·v = w − s·v. A row whose work is any other mix (a trace or step size other than its
 * peers') does it alone in TypeScript first, in its own order.
 *
 * The layer's sums are kept for the volley they were formed from, and used only while no row has
 * changed since: after a change (a delay between a row's delivery and its peers', or a probe), each
 * row that takes that volley forms its sum alone, in TypeScript, as a neuron without a lockstep does.
 */
import { PAGE, wasm, WasmSpace, type KernelExports } from '../nn/wasm/wasm-kernels.ts';
import type { PendingUpdates } from './pending-updates.ts';

/** kernels.wat's step on listed rows (the matrix engine's interface does not name it). */
type Kernels = KernelExports & { step1(w: number, g: number, s: number, rows: number, c: number, n: number): void };

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** Where a layer's arrays lie in the circuit's memory (byte offsets). */
interface Layout {
  w: number;
  g: number;
  b: number;
  z: number;
  x: number;
  fold: number;
  write: number;
  foldRows: number;
  writeRows: number;
  stepRows: number;
}

export class LayerRows {
  /** Every row's weights [m × n], and its pending sums beside them. */
  readonly weights: Float64Array;
  readonly sums: Float64Array;
  private readonly bias: Float64Array;
  private readonly z: Float64Array;
  private readonly x: Float64Array;
  /** Δz_j of the rows to fold and to write, at index j; the rows' indices. */
  private readonly foldΔz: Float64Array;
  private readonly writeΔz: Float64Array;
  private readonly foldRows: Int32Array;
  private readonly writeRows: Int32Array;
  private readonly stepRows: Int32Array;
  /** Each row's bookkeeping and bias, as its neuron attached them. */
  private readonly pending: PendingUpdates[] = [];
  private readonly biasOf: (() => number)[] = [];
  /** The volley the sums z were last formed from, and whether no row has changed since. */
  private formedFrom: Float64Array | null = null;
  private valid = false;

  private constructor(
    private readonly space: WasmSpace,
    private readonly at: Layout,
    readonly m: number,
    readonly n: number,
  ) {
    const buffer = space.memory.buffer;
    this.weights = new Float64Array(buffer, at.w, m * n);
    this.sums = new Float64Array(buffer, at.g, m * n);
    this.bias = new Float64Array(buffer, at.b, m);
    this.z = new Float64Array(buffer, at.z, m);
    this.x = new Float64Array(buffer, at.x, n);
    this.foldΔz = new Float64Array(buffer, at.fold, m);
    this.writeΔz = new Float64Array(buffer, at.write, m);
    this.foldRows = new Int32Array(buffer, at.foldRows, m);
    this.writeRows = new Int32Array(buffer, at.writeRows, m);
    this.stepRows = new Int32Array(buffer, at.stepRows, m);
  }

  /** One memory for the layers of `shapes` (m rows of n synapses each), never grown (that would detach the rows). */
  static allocate(shapes: readonly { m: number; n: number }[]): LayerRows[] {
    let bytes = 0;
    const take = (doubles: number): number => {
      const at = bytes;
      bytes += align(8 * doubles);
      return at;
    };
    const layouts = shapes.map(({ m, n }) => ({
      w: take(m * n),
      g: take(m * n),
      b: take(m),
      z: take(m),
      x: take(n),
      fold: take(m),
      write: take(m),
      foldRows: take(m),
      writeRows: take(m),
      stepRows: take(m),
    }));
    if (shapes.length === 0) return [];
    const space = new WasmSpace(new wasm.Memory({ initial: Math.ceil(bytes / PAGE) + 1 }));
    return shapes.map(({ m, n }, l) => new LayerRows(space, layouts[l]!, m, n));
  }

  /** Neuron j's row of weights (its own), and of pending sums. */
  weightRow(j: number): Float64Array {
    return this.weights.subarray(j * this.n, (j + 1) * this.n);
  }

  sumRow(j: number): Float64Array {
    return this.sums.subarray(j * this.n, (j + 1) * this.n);
  }

  /** Neuron j hands over its bookkeeping and how to read its bias. */
  attach(j: number, pending: PendingUpdates, bias: () => number): void {
    this.pending[j] = pending;
    this.biasOf[j] = bias;
  }

  /** A row changed (its neuron learned, stepped, or was probed): the sums formed are no longer every row's. */
  changed(): void {
    this.valid = false;
  }

  /**
   * Whether every row's z_j = b_j + Σ_i w_ji x_i is formed for volley x: formed now, each row's pending
   * work written first, when x is new. False when the layer's sums from x are no longer every row's
   * (a row changed since they were formed): the asking row then forms its sum alone.
   */
  formed(x: Float64Array): boolean {
    if (this.formedFrom === x) return this.valid;
    if (this.pending.length !== this.m || x.length !== this.n) return false;
    this.form(x);
    return true;
  }

  /** z_j as formed by the last `formed`. */
  zOf(j: number): number {
    return this.z[j]!;
  }

  /** Every row's pending work, then every row's sum, from volley x. */
  private form(x: Float64Array): void {
    const { pending, m, n } = this;
    let folds = 0;
    let writes = 0;
    let steps = 0;
    let foldX: Float64Array | null = null;
    let writeX: Float64Array | null = null;
    let writeScale = Number.NaN;
    let stepScale = Number.NaN;
    for (let j = 0; j < m; j++) {
      const p = pending[j]!;
      const held = p.heldTrace;
      const due = p.dueKind;
      if (held === null && due === 'none') continue;
      if (due === 'rank-one') {
        if (held === null) {
          if (writeX === null) {
            writeX = p.dueTrace;
            writeScale = p.dueStepSize;
          }
          if (p.dueTrace === writeX && p.dueStepSize === writeScale) {
            this.writeRows[writes++] = j;
            this.writeΔz[j] = p.dueDelta;
            continue;
          }
        }
      } else {
        foldX ??= held;
        if (due === 'sum' && steps === 0) stepScale = p.dueStepSize;
        if ((held === null || held === foldX) && (due === 'none' || p.dueStepSize === stepScale)) {
          if (held !== null) {
            this.foldRows[folds++] = j;
            this.foldΔz[j] = p.heldDelta;
          }
          if (due === 'sum') this.stepRows[steps++] = j;
          continue;
        }
      }
      p.release(); // the row alone, in its own order: fold, then write
      p.writeDue();
    }
    const kernels = this.space.kernels as Kernels;
    const { at } = this;
    if (folds > 0) {
      this.x.set(foldX!);
      kernels.outer1(at.g, 1, at.x, at.fold, at.foldRows, folds, n);
      for (let k = 0; k < folds; k++) pending[this.foldRows[k]!]!.folded();
    }
    if (steps > 0) {
      kernels.step1(at.w, at.g, stepScale, at.stepRows, steps, n);
      for (let k = 0; k < steps; k++) pending[this.stepRows[k]!]!.written();
    }
    if (writes > 0) {
      this.x.set(writeX!);
      kernels.outer1(at.w, -writeScale, at.x, at.write, at.writeRows, writes, n);
      for (let k = 0; k < writes; k++) pending[this.writeRows[k]!]!.written();
    }
    for (let j = 0; j < m; j++) this.bias[j] = this.biasOf[j]!();
    this.x.set(x);
    kernels.affine1(at.w, at.b, at.x, at.z, m, n);
    this.formedFrom = x;
    this.valid = true;
  }
}
