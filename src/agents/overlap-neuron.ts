/**
 * A neuron under overlapping presentations (README, The agents engine): a new pattern may enter before
 * the errors of earlier ones have come back, so the neuron keeps, per pattern id, that pattern's
 * eligibility trace until its error has passed, then drops it (no buffer outside the neuron).
 *
 *   forward (pattern p, volley x)   z_j = b_j + Σ_i w_ij x_i,  y_j = g(z_j) → axon;  keeps (x, z, y) for p
 *                                   (stash: and a copy of w, the version p's forward pass read)
 *   error   (pattern p, Δy_j, η)    Δz_j = g'(z_j)·Δy_j from p's trace;  pushes v_ij·Δz_j back, with
 *                                   v = b (feedback alignment; DFA's output neurons: b_ki for every hidden
 *                                   unit, broadcast), w as it is now (stale) or p's copy (stash)
 *                                   then w_ij ← w_ij − η·x_i·Δz_j,  b_j ← b_j − η·Δz_j   (batch 1)
 *
 * Tie rule (the one place it is stated; engines/delayed-sgd.ts derives the same): an error that arrives
 * at tick t is written into the synapses at t + ½, so every read of tick t (a forward pass, a push) sees
 * the weights before it, and every read of tick t + 1 the weights after it. All deliveries are at whole
 * ticks, so no read shares a time with a write.
 */
import type { Activation } from '../nn/activation.ts';
import { neuronName } from './agent-error.ts';
import { Axon, type Source } from './axon.ts';
import type { Clock } from './clock.ts';
import { potential } from './dendrite.ts';
import type { PatternActivation, PatternError, PatternErrorVolley, PatternVolley } from './overlap-messages.ts';

export type WeightVersion = 'stale' | 'stash';

/** What the neuron keeps of a pattern between its forward pass and its error. */
interface Eligibility {
  readonly x: Float64Array;
  readonly z: number;
  readonly y: number;
  /** stash: the weights this pattern's forward pass read; else null. */
  readonly w: Float64Array | null;
}

export interface OverlapNeuronInit {
  layer: number;
  index: number;
  activation: Activation;
  /** Its incoming weights (copied) and bias. */
  weights: Float64Array;
  bias: number;
  /** Fixed back weights (feedback alignment; copied), or null: push through w. */
  backWeights: Float64Array | null;
  /** Whether errors go back (not in the first layer). */
  pushes: boolean;
  weightVersion: WeightVersion;
  forward$: Source<PatternVolley>;
  /** The error volleys for this neuron's layer: the error tract above, or the teacher at the output. */
  errors$: Source<PatternErrorVolley>;
  clock: Clock;
}

export class OverlapNeuron {
  readonly layer: number;
  readonly index: number;
  readonly w: Float64Array;
  b: number;
  readonly axon = new Axon<PatternActivation>();
  readonly errors = new Axon<PatternError>();
  private readonly activation: Activation;
  private readonly backWeights: Float64Array | null;
  private readonly pushes: boolean;
  private readonly stash: boolean;
  private readonly clock: Clock;
  private readonly traces = new Map<number, Eligibility>();

  constructor(init: OverlapNeuronInit) {
    this.layer = init.layer;
    this.index = init.index;
    this.activation = init.activation;
    this.w = Float64Array.from(init.weights);
    this.b = init.bias;
    this.backWeights = init.backWeights === null ? null : Float64Array.from(init.backWeights);
    this.pushes = init.pushes;
    this.stash = init.weightVersion === 'stash';
    this.clock = init.clock;
    const name = this.name;
    init.forward$.listen((v) => this.forward(v), name);
    init.errors$.listen((v) => this.arrive(v), name);
  }

  get name(): string {
    return neuronName(this.layer, this.index);
  }

  /** How many patterns' traces the neuron holds (their errors have not come yet). */
  get inFlight(): number {
    return this.traces.size;
  }

  private forward(v: PatternVolley): void {
    if (this.traces.has(v.pattern)) throw new Error(`pattern ${v.pattern} arrived twice`);
    const x = v.values;
    const z = potential(this.b, this.w, x);
    const y = this.activation.g(z);
    this.traces.set(v.pattern, { x, z, y, w: this.stash ? Float64Array.from(this.w) : null });
    this.axon.next({ pattern: v.pattern, tick: this.clock.now(), layer: this.layer, neuron: this.index, value: y });
  }

  private arrive(v: PatternErrorVolley): void {
    const trace = this.traces.get(v.pattern);
    if (trace === undefined) throw new Error(`an error for pattern ${v.pattern}, whose forward pass it never saw`);
    this.traces.delete(v.pattern);
    const Δz = this.activation.dg(trace.z, trace.y) * v.values[this.index]!;
    const η = v.η;
    let pushed: Float64Array | null = null;
    if (this.pushes) {
      const back = this.backWeights ?? trace.w ?? this.w;
      pushed = new Float64Array(back.length);
      for (let i = 0; i < back.length; i++) pushed[i] = back[i]! * Δz;
    }
    const { layer, index: neuron } = this;
    this.errors.next({ pattern: v.pattern, tick: this.clock.now(), layer, neuron, pushed, η });
    const x = trace.x;
    this.clock.at(this.clock.now() + 0.5, () => this.write(x, Δz, η), this.name);
  }

  /** The synapses' update from one pattern: w_ij ← w_ij − η·(x_i·Δz_j), b_j ← b_j − η·Δz_j. */
  private write(x: Float64Array, Δz: number, η: number): void {
    const w = this.w;
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - η * (x[i]! * Δz);
    this.b = this.b - η * Δz;
  }
}
