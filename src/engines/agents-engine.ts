/**
 * The agents engine (README, Two axes): the net as a circuit of neuron agents (agents/wiring.ts) driven
 * through the Engine interface, so the same training loop runs it beside the matrix engine.
 *
 * Virtual time, for a net of L layers, one tick per synaptic hop (the pattern starts at tick 0):
 *   0 input volley;  l activation of layer l (1-based);  L + 1 the teacher's nudge
 *   L + 2 output error (softmax: its lateral rounds run at L and L + 1, beside the teacher's round trip)
 *   L + 2 + (L − l) error and weight updates of layer l;  the last is layer 1's at 2L + 1
 * Other rules: feedback alignment keeps these ticks; direct feedback alignment's hidden layers all
 * take their error at L + 3; merged's symmetric second wave runs one tick behind the first; predictive
 * coding's inference adds a hop down and a hop up per step (and the softmax group's two rounds).
 * Ticks run on across patterns: the next pattern starts after the last tick of this one.
 *
 * An exception in any agent unwinds the pattern at once as an AgentError naming the agent (agents/axon.ts):
 * learn() throws it and returns nothing, and the engine refuses every later call, since the circuit
 * stopped half-way through a pattern.
 *
 * The engine is the experimenter, not a neuron: it presents patterns, announces batch boundaries,
 * and reads the neurons' own arrays back only to report them (snapshot, gradient, divergence check).
 */
import { usesVelocity, type SgdOptions } from '../nn/momentum-step.ts';
import { merge, mergeMap, type Observable } from 'rxjs';
import { InputError } from '../core/errors.ts';
import { allFinite, sizeOf } from '../core/tensor.ts';
import type { Engine } from '../nn/engine.ts';
import type { GradientResult, NetworkOptions } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { createBehaviour, type RuleOptions } from '../rules/index.ts';
import { AgentError } from '../agents/agent-error.ts';
import type { BatchBoundary, SynapseUpdate, Volley, WeightUpdate } from '../agents/messages.ts';
import type { Neuron } from '../agents/neuron.ts';
import { synapseUpdates } from '../agents/synapse-updates.ts';
import { TraceRecorder } from '../agents/trace.ts';
import { scheduleCircuit, SYNCHRONOUS, type DelaySummary, type Timing } from '../agents/timing.ts';
import { wire, type Circuit } from '../agents/wiring.ts';
import { gather, gradientFromSums } from './gradient-from-sums.ts';
import { freshArray } from '../agents/fresh-array.ts';

export class AgentsEngine implements Engine {
  readonly name = 'agents' as const;
  readonly circuit: Circuit;
  /** Every neuron's weight-update events (conv positions' included): subscribe to observe learning. */
  readonly weightUpdates$: Observable<WeightUpdate>;
  /** The same, one record per synapse. */
  readonly synapseUpdates$: Observable<SynapseUpdate>;
  /** The number of inputs; each pattern is copied into a fresh volley (the first layer's traces). */
  private readonly inputSize: number;
  private patterns = 0;
  private clock = 0;
  /** Protocol rules: every neuron, whose last tick the clock reads after a pattern (their patterns' lengths vary). */
  private readonly protocolNeurons: readonly Neuron[];
  /** Scheduled mode: the delays of the circuit's connections; null in the synchronous mode. */
  readonly delays: DelaySummary | null;
  /** The fault that stopped the circuit mid-pattern, if one did. */
  private fault: AgentError | null = null;

  /** `params` is copied into the neurons' own synapses. */
  constructor(
    readonly spec: NetSpec,
    params: Params,
    readonly rule: RuleOptions,
    options: NetworkOptions = {},
    readonly timing: Timing = SYNCHRONOUS,
  ) {
    const behaviour = createBehaviour(rule, spec);
    this.circuit = wire(spec, params, behaviour, options);
    this.delays = timing.mode === 'scheduled' ? scheduleCircuit(this.circuit, this.circuit.clock, timing) : null;
    this.protocolNeurons = behaviour.protocol === undefined ? [] : this.circuit.layers.flatMap((l) => l.neurons);
    this.inputSize = sizeOf(spec.input);
    this.weightUpdates$ = merge(...this.circuit.layers.flatMap((l) => l.neurons.map((n) => n.updates)));
    this.synapseUpdates$ = this.weightUpdates$.pipe(mergeMap(synapseUpdates));
  }

  /** The virtual time at which the next pattern starts. */
  get now(): number {
    return this.clock;
  }

  get prediction(): Float64Array {
    return this.circuit.teacher.prediction;
  }

  /** Start recording every message; `stop()` the recorder to end it. */
  trace(): TraceRecorder {
    return new TraceRecorder(this.circuit, this.timing.mode === 'scheduled');
  }

  learn(x: Float64Array, t: ArrayLike<number>): number {
    this.patterns++;
    return this.present(x, t, true);
  }

  evaluate(x: Float64Array, t: ArrayLike<number>): number {
    return this.present(x, t, false);
  }

  private present(x: Float64Array, t: ArrayLike<number>, learn: boolean): number {
    const { teacher, input } = this.circuit;
    const L = this.circuit.layers.length;
    const n = this.inputSize;
    if (x.length !== n) throw new InputError(`a pattern has ${x.length} inputs, but the net takes ${n}`);
    const values = freshArray(n);
    values.set(x);
    teacher.present(t, learn);
    const volley: Volley = { tick: this.clock, values, finite: allFinite(values) };
    this.send(() => input.next(volley));
    if (this.timing.mode === 'scheduled') {
      this.clock = this.circuit.clock.now() + 1; // the next pattern starts after the last delivery of this one
      return teacher.E;
    }
    this.clock += learn ? 2 * L + 2 : L + 3;
    for (const n of this.protocolNeurons) if (n.lastTick >= this.clock) this.clock = n.lastTick + 1;
    return teacher.E;
  }

  /** Deliver a message into the circuit; a fault in any agent stops the circuit for good. */
  private send(deliver: () => void): void {
    if (this.fault !== null) throw new Error(`the agents engine stopped after a fault in ${this.fault.message}`);
    try {
      this.circuit.clock.advance(this.clock);
      this.circuit.clock.run(deliver);
    } catch (e) {
      if (e instanceof AgentError) this.fault = e;
      throw e;
    }
  }

  step(η: number, sgd?: SgdOptions): void {
    if (this.patterns === 0) return;
    const B = this.patterns;
    const boundary: BatchBoundary = usesVelocity(sgd) ? { tick: this.clock, η, B, sgd } : { tick: this.clock, η, B };
    this.send(() => this.circuit.batch.next(boundary));
    // The boundary, then the kernel agents' broadcast (scheduled: after its last delivery).
    this.clock = this.timing.mode === 'scheduled' ? this.circuit.clock.now() + 1 : this.clock + 2;
    this.patterns = 0;
  }

  gradient(inputs: Float64Array[], targets: ArrayLike<number>[]): GradientResult {
    return gradientFromSums(
      {
        read: () => this.readSums(),
        write: (sums) => this.writeSums(sums),
        present: (x, t) => this.present(x, t, true),
        prediction: () => this.prediction,
      },
      inputs,
      targets,
    );
  }

  /** The params (README, Formats), read from the neurons' own synapses (conv: from the kernel agents). */
  snapshot(): Params {
    return {
      layers: this.circuit.layers.map((layer) => {
        if (layer.spec.type === 'pool') return gather([]); // no weights, no bias
        if (layer.kernels.length > 0) return gather(layer.kernels.map((k) => ({ w: k.weights, b: k.bias })));
        return gather(layer.neurons.map((n) => n.synapses()));
      }),
    };
  }

  nonFiniteLayer(): number | null {
    const finite = (a: Float64Array): boolean => a.every(Number.isFinite);
    const l = this.circuit.layers.findIndex((layer) =>
      layer.kernels.length > 0
        ? !layer.kernels.every((k) => finite(k.weights) && Number.isFinite(k.bias))
        : !layer.neurons.every((n) => {
            const { w, b } = n.synapses();
            return finite(w) && Number.isFinite(b);
          }),
    );
    return l < 0 ? null : l;
  }

  /** The synapses' pending sums Σ x_i·Δz_j (kernel agents' for conv), in the params layout. */
  private readSums(): Params {
    return {
      layers: this.circuit.layers.map((layer) => {
        if (layer.spec.type === 'pool') return gather([]);
        const owners: Synapses[] = layer.kernels.length > 0 ? [...layer.kernels] : [...layer.neurons];
        return gather(owners.map((o) => o.pendingSums()).map(({ gw, gb }) => ({ w: gw, b: gb })));
      }),
    };
  }

  private writeSums(sums: Params): void {
    this.circuit.layers.forEach((layer, l) => {
      if (layer.spec.type === 'pool') return;
      const { weights, bias } = sums.layers[l]!;
      const owners: Synapses[] = layer.kernels.length > 0 ? [...layer.kernels] : [...layer.neurons];
      let offset = 0;
      owners.forEach((o, j) => {
        const size = o.pendingSums().gw.length;
        o.setPendingSums(weights.subarray(offset, offset + size), bias[j]!);
        offset += size;
      });
    });
  }
}

/** What owns a layer's pending sums: its dense neurons, or its kernel agents. */
interface Synapses {
  pendingSums(): { gw: Float64Array; gb: number };
  setPendingSums(gw: ArrayLike<number>, gb: number): void;
}
