/**
 * A neuron: an agent that owns its incoming synapses (weights, per-synapse traces, pending local
 * updates) and its own state, and talks only through streams. It holds no reference to another
 * neuron and no weight matrix: its constructor takes streams and its own weights, which it copies.
 *
 *   forward (volley x, tick t)   z_j = b_j + Σ_i w_ij x_i   (in increasing i; x stays as the synapses' trace,
 *                                                          z_j as working point)
 *                                y_j = g(z_j)               → axon: activation at t + 1
 *   error   (Δy_j, tick t)       the rule's switch (its Behaviour): Δz_j, and w_ij·Δz_j pushed back → errors, at t
 *                                local update: each synapse's eligibility x_i·Δz_j   → updates (if observed), at t
 *   batch boundary (η, B)        w_ij ← w_ij − η·(1/B)·Σ_p x_pi Δz_pj,   b_j ← b_j − η·(1/B)·Σ_p Δz_pj
 *
 * Δy_j arrives from the layer above as a volley of pushed errors (values[j] is what reached this
 * neuron), or, at the output, from the neuron's output role (teacher and softmax group).
 *
 * How the synapses keep their updates until the batch boundary and write them into w is the
 * batching bookkeeping of pending-updates.ts: the numbers are the matrix engine's. In a dense layer
 * under a two-phase rule, w is the neuron's own row of its layer's memory, and its sum z_j (with the
 * pending change written first) is formed in lockstep with its peers', each from its own row
 * (layer-rows.ts): the same numbers as the neuron summing alone.
 *
 * Protocol rules (merged, predictive coding; src/rules/) give the neuron a Protocol object, its
 * own state for the rule, which takes the three inputs instead of `forward` and `arrive` and
 * answers through the port methods below (integrate and fire — the forward pass in two — take,
 * sendActivation, sendError, learn, reevaluate). The two-phase path above is untouched by them.
 */
import { usesVelocity } from '../nn/momentum-step.ts';
import type { Activation } from '../nn/activation.ts';
import { neuronName } from './agent-error.ts';
import { Axon, type Source } from './axon.ts';
import type { Behaviour, Cell, Protocol } from './behaviour.ts';
import { potential, sparsePotential } from './dendrite.ts';
import type { BatchBoundary, ErrorSignal, Signal, Volley, WeightUpdate } from './messages.ts';
import type { OutputRole } from './output-role.ts';
import type { LayerRows } from './layer-rows.ts';
import { PendingUpdates } from './pending-updates.ts';
import { freshArray } from './fresh-array.ts';

export interface NeuronInit {
  /** The neuron's address: layer (0-based) and index within it. */
  layer: number;
  index: number;
  activation: Activation;
  behaviour: Behaviour;
  /**
   * Its incoming synapses' weights (copied: the neuron's own) and its bias, the weight from a virtual input fixed at 1.
   */
  weights: Float64Array;
  bias: number;
  /** Presynaptic neuron of each synapse; null when synapse i comes from neuron i of the layer below. */
  pre: Int32Array | null;
  /** Whether errors go back (not in the first layer: inputs do not learn). */
  pushes: boolean;
  /**
   * Fixed back weights to push through instead of w (FA: b_ij per synapse; DFA, output: b_ki per hidden unit); null: w.
   * Copied.
   */
  backWeights: Float64Array | null;
  /** The presynaptic layer's activation volleys. */
  forward$: Source<Volley>;
  /** The errors pushed back by the layer above (hidden neurons); null at the output. */
  errorsFromAbove$: Source<Volley> | null;
  /** The output role (output neurons); null for hidden ones. */
  role: OutputRole | null;
  /** Batch boundaries, where the synapses apply their pending updates; null where a kernel agent applies them. */
  batch$: Source<BatchBoundary> | null;
  /** Hands a task to the circuit's clock, to run once the delivery in progress has unwound (agents/clock.ts). */
  later: (task: () => void, agent: string) => void;
  /** A dense layer's rows, computed in lockstep (layer-rows.ts): the neuron's weights become its row there. */
  rows?: LayerRows | null;
}

const NO_TRACE = new Float64Array(0);

export class Neuron implements Cell {
  readonly layer: number;
  readonly index: number;
  readonly activation: Activation;
  readonly behaviour: Behaviour;
  /** Incoming synapses: weights, the presynaptic neuron of each, their trace x. */
  readonly w: Float64Array;
  /**
   * NaN until set: a field that starts as a double stays one for V8 (one declared bare starts as undefined, and every
   * later write then boxes a new number).
   */
  b = NaN;
  readonly pre: Int32Array | null;
  x: Float64Array = NO_TRACE;
  xFinite = true;
  /** The synapses' local updates, pending until the batch boundary and written into w after it. */
  private readonly pending: PendingUpdates;
  /** Fixed back weights (the neuron's own copy), or null. */
  readonly backWeights: Float64Array | null;
  /** What goes back along each synapse (DFA at the output: to each hidden unit); a fresh array after each send. */
  pushed: Float64Array | null;
  /** A protocol rule's state for this neuron; null for the two-phase rules. */
  readonly protocol: Protocol | null;
  /** Protocol rules: the latest tick of anything this neuron sent or learned (the engine's clock reads it). */
  lastTick = 0;
  /** State for the current pattern. */
  z = 0;
  y = 0;
  Δz = 0;
  /** Outgoing streams. */
  readonly axon = new Axon<Signal>();
  readonly errors = new Axon<ErrorSignal>();
  readonly updates = new Axon<WeightUpdate>();
  private readonly role: OutputRole | null;
  /** The layer's lockstep rows, this neuron's row among them; null: the neuron sums alone. */
  private readonly rows: LayerRows | null;
  /** Port (protocol rules): run a task once the delivery in progress has unwound. */
  readonly later: (task: () => void) => void;

  constructor(init: NeuronInit) {
    this.layer = init.layer;
    this.index = init.index;
    this.activation = init.activation;
    this.behaviour = init.behaviour;
    const rows = init.rows != null && init.pre === null && init.behaviour.protocol === undefined ? init.rows : null;
    this.rows = rows;
    this.w = rows === null ? Float64Array.from(init.weights) : rows.weightRow(init.index);
    if (rows !== null) this.w.set(init.weights);
    this.b = init.bias;
    this.pre = init.pre === null ? null : Int32Array.from(init.pre);
    const lockstep = rows === null ? null : { sums: rows.sumRow(init.index), rows };
    this.pending = new PendingUpdates(this.w, this.pre, lockstep);
    rows?.attach(init.index, this.pending, () => this.b);
    this.backWeights = init.backWeights === null ? null : Float64Array.from(init.backWeights);
    this.pushed = init.pushes ? new Float64Array((this.backWeights ?? this.w).length) : null;
    this.role = init.role;
    const name = this.name;
    this.later = (task) => init.later(task, name);
    const protocol = init.behaviour.protocol?.(this) ?? null;
    this.protocol = protocol;
    if (protocol === null) {
      init.forward$.listen((v) => this.forward(v), name);
      init.errorsFromAbove$?.listen((v) => this.arrive(v.values[this.index]!, v.tick + 1), name);
      init.role?.attach((Δy, tick) => this.arrive(Δy, tick));
    } else {
      init.forward$.listen((v) => protocol.volley(v), name);
      init.errorsFromAbove$?.listen((v) => protocol.fromAbove(v.values[this.index]!, v.tick + 1), name);
      init.role?.attach((Δy, tick) => protocol.delta(Δy, tick));
    }
    init.batch$?.listen((s) => this.step(s), name);
  }

  /** The neuron's name in an error message: its address. */
  get name(): string {
    return neuronName(this.layer, this.index);
  }

  /** Whether this neuron is in the output group (it has an output role). */
  get isOutput(): boolean {
    return this.role !== null;
  }

  /**
   * The forward pass of a pattern: z_j from the volley (the synapses keep it as their trace), y_j = g(z_j), sent on.
   */
  forward(v: Volley): void {
    this.integrate(v);
    this.fire(v.tick + 1);
  }

  /** Port: z_j and y_j from a pattern's first volley, nothing sent yet (a protocol sets up its state in between). */
  integrate(v: Volley): void {
    const rows = this.rows;
    if (rows?.formed(v.values)) {
      // The layer's kernel did this row's pending work and formed its sum, from its row alone (layer-rows.ts).
      this.x = v.values;
      this.xFinite = v.finite;
      const z = rows.zOf(this.index);
      this.z = z;
      this.y = this.activation.g(z);
      return;
    }
    // Mid-batch: the held pattern's eligibility is folded into the sum before a new one is held.
    this.pending.release();
    const x = v.values;
    this.x = x;
    this.xFinite = v.finite;
    const z = this.pending.isDue ? this.pending.writeDueAndSum(this.b, x) : this.sum(x);
    this.z = z;
    this.y = this.activation.g(z);
  }

  /** Port: send y_j (output: to the role first, then the axon). Everything downstream runs before this returns. */
  fire(tick: number): void {
    const y = this.y;
    // The role first: the softmax group's lateral round starts from y before the teacher can answer.
    this.role?.activated(y, tick);
    this.axon.next({ kind: 'activation', tick, layer: this.layer, neuron: this.index, value: y });
  }

  /** The switch: from here on the neuron carries its error. */
  private arrive(Δy: number, tick: number): void {
    const Δz = this.behaviour.switchToError(this, Δy);
    this.Δz = Δz;
    if (this.pushed !== null || this.errors.observed) this.sendErrorMessage(Δz, tick);
    this.learnLocally(tick);
  }

  /**
   * Port (protocol rules): a later volley in the same pattern. It becomes the synapses' trace; returns b_j + Σ_i w_ij
   * x_i.
   */
  take(v: Volley): number {
    this.pending.release(); // as in integrate
    const x = v.values;
    this.x = x;
    this.xFinite = v.finite;
    return this.sum(x);
  }

  /** b_j + Σ_i w_ij x_i. */
  private sum(x: Float64Array): number {
    return this.pre === null ? potential(this.b, this.w, x) : sparsePotential(this.b, this.w, x, this.pre);
  }

  /** Port: send a value on the axon (an activation message) at `tick`. */
  sendActivation(value: number, tick: number): void {
    if (tick > this.lastTick) this.lastTick = tick;
    this.axon.next({ kind: 'activation', tick, layer: this.layer, neuron: this.index, value });
  }

  /**
   * Port: send an error message carrying `value`, with `pushed` (filled by the protocol) going back along the synapses.
   */
  sendError(value: number, tick: number): void {
    if (tick > this.lastTick) this.lastTick = tick;
    if (this.pushed === null && !this.errors.observed) return;
    this.sendErrorMessage(value, tick);
  }

  /** The error message carries `pushed` away: the next error is written into a fresh array. */
  private sendErrorMessage(value: number, tick: number): void {
    const pushed = this.pushed;
    if (pushed !== null) this.pushed = freshArray(pushed.length);
    this.errors.next({ kind: 'error', tick, layer: this.layer, neuron: this.index, value, pushed, pre: this.pre });
  }

  /** Port: the synapses' local update with postsynaptic term Δz (δw_ij = −η x_i Δz from the trace x_i). */
  learn(Δz: number, tick: number): void {
    if (tick > this.lastTick) this.lastTick = tick;
    this.Δz = Δz;
    this.learnLocally(tick);
  }

  /**
   * Port (output neurons): ask the output role for Δy at a new output y (it answers through `delta`, telling the
   * teacher nothing).
   */
  reevaluate(y: number, tick: number): void {
    this.role!.reevaluate(y, tick);
  }

  /** The local update δw_ij = −η x_i Δz_j: a dense neuron's synapses keep it until the batch boundary. */
  protected learnLocally(tick: number): void {
    this.pending.learn(this.x, this.xFinite, this.Δz);
    if (this.updates.observed) this.show(tick);
  }

  /** The weight-update event, per synapse x_i·Δz_j, for observers only. */
  private show(tick: number): void {
    const { x, pre, Δz } = this;
    const xΔz = new Float64Array(this.w.length);
    if (pre === null) for (let i = 0; i < xΔz.length; i++) xΔz[i] = x[i]! * Δz;
    else for (let t = 0; t < xΔz.length; t++) xΔz[t] = x[pre[t]!]! * Δz;
    const { layer, index: neuron } = this;
    this.updates.next({ kind: 'weight-update', tick, layer, neuron, pre: this.pre, tap: null, xΔz, Δz });
  }

  /** The batch boundary: fix each synapse's change (written into w at its next use); the bias changes now. */
  private step(s: BatchBoundary): void {
    if (usesVelocity(s.sgd)) this.b = this.pending.velocityBoundary(this.b, s.B, s.η, s.sgd);
    else {
      const scale = s.η / s.B;
      this.b -= scale * this.pending.boundary(scale);
    }
    this.behaviour.batchBoundary?.(this);
  }

  /**
   * The experimenter's probe (snapshot, divergence check): the neuron's own weights and bias, with any due change
   * written.
   */
  synapses(): { w: Float64Array; b: number } {
    this.pending.writeDue();
    return { w: this.w, b: this.b };
  }

  /** The experimenter's probe (the engine's gradient()): the pending sums, with the held pattern folded in. */
  pendingSums(): { gw: Float64Array; gb: number } {
    return this.pending.sums();
  }

  /** The experimenter's probe: replace the pending sums. */
  setPendingSums(gw: ArrayLike<number>, gb: number): void {
    this.pending.setSums(gw, gb);
  }
}
