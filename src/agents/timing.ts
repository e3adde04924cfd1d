/**
 * Timing: when the circuit's messages arrive (README, The agents engine).
 *   synchronous  (the default) every message is delivered at once, inside the call that sends it; a
 *                tick counts synaptic hops
 *   scheduled    every message is delivered by the circuit's clock in virtual time, at its send time +
 *                its connection's delay: D ticks on every connection, or a delay drawn per connection
 *                from A..B (inclusive) with a seeded random source, once, when the circuit is timed
 *   overlapping  scheduled, with a new pattern every P ticks while earlier ones still travel
 *                (--present-every P; agents/overlap-circuit.ts, engines/overlap-engine.ts)
 * A connection is a stream from a sender to an agent: a neuron's axon to its layer's tract, errors to
 * the error tract, the input to the first layer, the teacher's nudges to the output roles, the readouts
 * to the teacher, the softmax members' lateral messages to their group, a conv position's updates to
 * its kernel agent and the kernel's broadcast back. A tract is a bundle of axons, not a hop: what it
 * hands on arrives at once (delay 0), as do the engine's batch boundaries.
 */
import type { Random } from '../core/random.ts';
import type { Clock } from './clock.ts';
import type { WeightVersion } from './overlap-neuron.ts';
import { SoftmaxMember } from './softmax-group.ts';
import type { Circuit } from './wiring.ts';

export type Timing =
  | { readonly mode: 'synchronous' }
  | {
      readonly mode: 'scheduled';
      readonly delay: number;
      /** A..B: a delay per connection, drawn with `random`. */
      readonly jitter?: readonly [number, number];
      readonly random?: Random;
      /** Overlapping presentations: a new pattern every P ticks (engines/overlap-engine.ts); absent: one at a time. */
      readonly presentEvery?: number;
      /** Overlapping presentations: what the backward pass reads, the current weights or the forward pass's. */
      readonly weights?: WeightVersion;
    };

export const SYNCHRONOUS: Timing = { mode: 'synchronous' };

/** What the run summary says about the delays: the connections, and their least, mean and greatest delay. */
export interface DelaySummary {
  /** The delays asked for: D, or A..B drawn per connection. */
  setting: string;
  connections: number;
  min: number;
  mean: number;
  max: number;
}

/** What timing needs of an axon. */
interface Connections {
  readonly connectionDelays: readonly number[];
  deliverOn(clock: Clock, delays: readonly number[]): void;
}

/** Every axon of the circuit, senders first in a fixed order (layer by layer, neuron by neuron), then the bundles. */
function axonsOf(circuit: Circuit): { senders: Connections[]; bundles: Connections[] } {
  const senders: Connections[] = [circuit.input];
  for (const layer of circuit.layers) {
    for (const n of layer.neurons) senders.push(n.axon, n.errors, n.updates);
    for (const k of layer.kernels) senders.push(k.broadcast);
  }
  senders.push(circuit.teacher.nudges);
  for (const role of circuit.roles) {
    senders.push(role.readout as unknown as Connections);
    if (role instanceof SoftmaxMember) senders.push(role.lateral);
  }
  const bundles: Connections[] = [circuit.batch];
  for (const layer of circuit.layers) {
    bundles.push(layer.tract.volleys);
    if (layer.errorTract !== null) bundles.push(layer.errorTract.volleys);
    if (layer.directTract !== null) bundles.push(layer.directTract.volleys);
  }
  if (circuit.group !== null) bundles.push(circuit.group.volleys);
  return { senders, bundles };
}

/** Put the circuit on its clock with the timing's delays; returns the summary of the delays. */
export function scheduleCircuit(circuit: Circuit, clock: Clock, timing: Timing & { mode: 'scheduled' }): DelaySummary {
  const { senders, bundles } = axonsOf(circuit);
  const [a, b] = timing.jitter ?? [timing.delay, timing.delay];
  const draw = (): number => (a === b ? a : a + timing.random!.int(b - a + 1));
  const all: number[] = [];
  for (const axon of senders) {
    const delays = axon.connectionDelays.map(draw);
    axon.deliverOn(clock, delays);
    all.push(...delays);
  }
  for (const axon of bundles)
    axon.deliverOn(
      clock,
      axon.connectionDelays.map(() => 0),
    );
  const sum = all.reduce((s, d) => s + d, 0);
  const setting = timing.jitter === undefined ? `${timing.delay}` : `${a}..${b}`;
  const mean = all.length > 0 ? sum / all.length : 0;
  return { setting, connections: all.length, min: Math.min(...all), mean, max: Math.max(...all) };
}
