/**
 * The stream every agent sends on. The agents of the circuit `listen` to an axon: each receiver is
 * called directly, in the order it started listening, with nothing between sender and receiver. An
 * exception in a receiver therefore unwinds the sender's call at once, named after the receiving
 * agent (AgentError); it is never caught and rethrown later from a timer, as RxJS does with an
 * exception in a subscriber. The receivers are an array the axon owns and replaces on every change
 * (copy on write), so a receiver that joins or leaves during a delivery affects the next message,
 * not this one. An axon is also an RxJS Observable: reports and tests `subscribe` to it as to any
 * stream (and their exceptions then follow RxJS's rules).
 *
 * Scheduled mode (README, The agents engine): once put on a clock (`deliverOn`; a method named
 * `schedule` would make RxJS's merge() take the axon for a scheduler), an axon delivers each message
 * to receiver k at its send time + that connection's delay, in virtual time, stamped with its send time
 * (the clock's now when it is sent). A receiver that starts listening later gets the axon's first delay.
 */
import { Observable, Subscription } from 'rxjs';
import { AgentError } from './agent-error.ts';
import type { Clock } from './clock.ts';

/** What an agent listens to: a stream of messages of type T. */
export interface Source<T> {
  /** Call `receive` with every message from now on; `agent` names the receiver if it throws. */
  listen(receive: (value: T) => void, agent: string): Subscription;
}

export class Axon<T> extends Observable<T> implements Source<T> {
  private receivers: readonly ((value: T) => void)[] = [];
  private agents: readonly string[] = [];
  private delays: readonly number[] = [];
  private clock: Clock | null = null;

  constructor() {
    let self: Axon<T> | null = null;
    super((subscriber) => self!.listen((v) => subscriber.next(v), 'an observer'));
    self = this;
  }

  listen(receive: (value: T) => void, agent: string): Subscription {
    this.receivers = [...this.receivers, receive];
    this.agents = [...this.agents, agent];
    this.delays = [...this.delays, this.delays[0] ?? 0];
    return new Subscription(() => {
      const k = this.receivers.indexOf(receive);
      if (k < 0) return;
      this.receivers = this.receivers.filter((_, i) => i !== k);
      this.agents = this.agents.filter((_, i) => i !== k);
      this.delays = this.delays.filter((_, i) => i !== k);
    });
  }

  /** Deliver from now on through `clock`, to receiver k after `delays[k]` ticks. */
  deliverOn(clock: Clock, delays: readonly number[]): void {
    const n = this.receivers.length;
    if (delays.length !== n) throw new Error(`${delays.length} delays for ${n} connections`);
    this.clock = clock;
    this.delays = [...delays];
  }

  /** The delay of each connection, in the order the receivers started listening. */
  get connectionDelays(): readonly number[] {
    return this.delays;
  }

  /** Whether anyone listens (a sender skips building messages nobody would read). */
  get observed(): boolean {
    return this.receivers.length > 0;
  }

  next(value: T): void {
    if (this.clock !== null) {
      this.deliverLater(this.clock, value);
      return;
    }
    const receivers = this.receivers;
    const agents = this.agents;
    let k = 0;
    try {
      for (; k < receivers.length; k++) receivers[k]!(value);
    } catch (e) {
      throw AgentError.from(e, agents[k] ?? 'an agent');
    }
  }

  private deliverLater(clock: Clock, value: T): void {
    const now = clock.now();
    const message = typeof value === 'object' && value !== null && 'tick' in value ? { ...value, tick: now } : value;
    const { receivers, agents, delays } = this;
    for (let k = 0; k < receivers.length; k++) {
      const receive = receivers[k]!;
      clock.at(now + delays[k]!, () => receive(message), agents[k]!);
    }
  }
}
