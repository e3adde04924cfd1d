/**
 * The trace recorder: every message as a record (tick, layer, neuron, kind, value), for the flow
 * animation and for tests. Recording is off unless a recorder exists: it is a set of extra
 * listeners, so with none the circuit creates no records and skips the messages only an
 * observer would read (first-layer errors, dense neurons' weight-update events).
 *
 *   activation     layer −1 is the input; value y_j
 *   error          value Δz_j
 *   nudge          the teacher's target t_j for output neuron j
 *   lateral        the softmax group's rounds: y_j, then e^(y_j − m)
 *   weight-update  one record per synapse: pre (−1 for the bias), neuron = post, value x_i·Δz_j
 *
 * Synchronous mode: a record's tick is its message's (hops counted); the records come in call order
 * and `records` sorts them by tick. Scheduled mode: the recorder listens like an agent, on a connection
 * with the axon's first delay, so its records are emitted in delivery order, each at its delivery time
 * (tick = sent + the delay), and `records` is that raw order.
 */
import { Subscription } from 'rxjs';
import type { Kind, Signal, Volley } from './messages.ts';
import { SoftmaxMember } from './softmax-group.ts';
import { synapseUpdates } from './synapse-updates.ts';
import type { Circuit } from './wiring.ts';

const NAME = 'the trace recorder';

export interface TraceRecord {
  tick: number;
  layer: number;
  neuron: number;
  kind: Kind;
  value: number;
  /** weight-update only: the presynaptic neuron (−1: the bias). */
  pre?: number;
  /** Scheduled mode: the time the message was sent (tick is when it reached the recorder). */
  sent?: number;
}

export class TraceRecorder {
  private readonly log: TraceRecord[] = [];
  private readonly subscription = new Subscription();

  private readonly scheduled: boolean;

  constructor(circuit: Circuit, scheduled = false) {
    this.scheduled = scheduled;
    const clock = circuit.clock;
    const add = scheduled
      ? (r: TraceRecord): void => {
          r.sent = r.tick;
          r.tick = clock.now();
          this.log.push(r);
        }
      : (r: TraceRecord): void => {
          this.log.push(r);
        };
    const sub = this.subscription;
    const signal = (s: Signal): void => {
      add({ tick: s.tick, layer: s.layer, neuron: s.neuron, kind: s.kind, value: s.value });
    };
    const input = (v: Volley): void => {
      v.values.forEach((value, i) => {
        add({ tick: v.tick, layer: -1, neuron: i, kind: 'activation', value });
      });
    };
    sub.add(circuit.input.listen(input, NAME));
    for (const layer of circuit.layers)
      for (const n of layer.neurons) {
        sub.add(n.axon.listen(signal, NAME));
        sub.add(n.errors.listen(signal, NAME));
        sub.add(
          n.updates.listen((e) => {
            for (const u of synapseUpdates(e))
              add({ tick: u.tick, layer: u.layer, neuron: u.post, kind: 'weight-update', value: u.xΔz, pre: u.pre });
          }, NAME),
        );
      }
    const outputLayer = circuit.layers.length - 1;
    const nudge = (n: Volley): void => {
      n.values.forEach((value, j) => {
        add({ tick: n.tick, layer: outputLayer, neuron: j, kind: 'nudge', value });
      });
    };
    sub.add(circuit.teacher.nudges.listen(nudge, NAME));
    for (const role of circuit.roles) {
      if (role instanceof SoftmaxMember) sub.add(role.lateral.listen(signal, NAME));
    }
  }

  /** The records so far, in tick order: scheduled, as emitted; synchronous, sorted (one tick's in call order). */
  get records(): TraceRecord[] {
    if (this.scheduled) return [...this.log];
    return [...this.log].sort((a, b) => a.tick - b.tick); // Array.prototype.sort is stable
  }

  clear(): void {
    this.log.length = 0;
  }

  /** Stop recording: the circuit is back to running without observers. */
  stop(): void {
    this.subscription.unsubscribe();
  }
}
