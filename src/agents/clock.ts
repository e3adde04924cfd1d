/**
 * The circuit's clock, one for every timing (README, The agents engine): virtual time, and the work waiting
 * in it. An RxJS SchedulerLike on the model of RxJS's VirtualTimeScheduler, with its queue kept as a binary
 * heap (VirtualTimeScheduler re-sorts its whole queue on every schedule, which dominates when every neuron
 * schedules its own Euler steps). A task runs at a time t ≥ now; the clock runs tasks in order of time, and
 * tasks of one time in the order they were handed over (first in, first out), so time never runs
 * backwards: now() is the time of the task running.
 *   later(task, agent)        at now, once the delivery in progress has unwound
 *   at(t, task, agent)        at virtual time t (the scheduled mode delivers each message at its send time
 *                             + its connection's delay; overlapping presentations write an update at t + ½)
 *   schedule(work, delay)     RxJS's SchedulerLike: at now + delay (the leaky mode's Euler steps)
 * An agent that would otherwise answer from inside the call that delivered to it (and so nest one
 * call deeper per round of a long exchange, as predictive coding's inference does, T rounds per
 * pattern) hands its answer over with `later`. The engine runs the clock after each message it sends
 * in, until no task is left, so a pattern's stack depth stays that of one round. A task that throws
 * stops the run at once, as an AgentError naming the agent that handed it over (agents/axon.ts; an
 * RxJS action's exception is thrown as it is); the tasks left belong to the aborted pattern and never run.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { AgentError } from './agent-error.ts';

interface Task {
  time: number;
  order: number;
  /** The agent that handed the task over (an exception is named after it); null: an RxJS action. */
  agent: string | null;
  run(): void;
}

const before = (a: Task, b: Task): boolean => a.time < b.time || (a.time === b.time && a.order < b.order);

/** An RxJS action on the clock: skipped once unsubscribed; `schedule` from inside it schedules its work again. */
class ClockAction<T> extends Subscription implements SchedulerAction<T>, Task {
  time = 0;
  order = 0;
  readonly agent = null;

  constructor(
    private readonly clock: Clock,
    readonly work: (this: SchedulerAction<T>, state?: T) => void,
    public state: T | undefined,
  ) {
    super();
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return Subscription.EMPTY;
    return this.clock.schedule(this.work, delay, state);
  }

  run(): void {
    if (!this.closed) this.work.call(this, this.state);
  }
}

export class Clock implements SchedulerLike {
  private time = 0;
  private order = 0;
  /** A binary heap of the waiting tasks, earliest first. */
  private readonly heap: Task[] = [];
  private running = false;
  /** Tasks run so far (the scheduled mode's deliveries, for the benchmark's events per second). */
  tasksRun = 0;

  /** The virtual time: that of the task running (or of the last one run). */
  now(): number {
    return this.time;
  }

  /** How many tasks wait. */
  get waiting(): number {
    return this.heap.length;
  }

  /** Run `task` for `agent` after the delivery in progress (and the tasks already waiting for now). */
  later(task: () => void, agent: string): void {
    this.at(this.time, task, agent);
  }

  /** Run `task` for `agent` at virtual time `time` (not before now). */
  at(time: number, task: () => void, agent: string): void {
    if (!(time >= this.time)) throw new Error(`${agent}: a task at time ${time}, before now (${this.time})`);
    this.push({ time, order: this.order++, agent, run: task });
  }

  /** SchedulerLike: run `work` at now + `delay`. */
  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    if (!(delay >= 0)) throw new Error(`clock: a delay must be ≥ 0, got ${delay}`);
    const action = new ClockAction<T>(this, work as (this: SchedulerAction<T>, state?: T) => void, state);
    action.time = this.time + delay;
    action.order = this.order++;
    this.push(action);
    return action;
  }

  /** Move the clock on to `time` (not back) with no task waiting: where the next pattern starts. */
  advance(time: number): void {
    if (this.heap.length > 0) throw new Error('the clock cannot move on while tasks wait');
    if (time > this.time) this.time = time;
  }

  /** Run `deliver`, then every waiting task in order, until none is left. Not re-entrant. */
  run(deliver: () => void): void {
    if (this.running) throw new Error('the clock is already running');
    this.running = true;
    try {
      deliver();
      while (this.heap.length > 0) this.runNext();
    } finally {
      this.heap.length = 0;
      this.running = false;
    }
  }

  /** Run every waiting task in order, including those they add (RxJS's VirtualTimeScheduler.flush). */
  flush(): void {
    this.run(() => {});
  }

  /**
   * Run every waiting task due before `time`, in order, then move now to `time`; later tasks keep
   * waiting (overlapping presentations: the next pattern enters at `time` while earlier ones travel).
   */
  runBefore(time: number): void {
    if (this.running) throw new Error('the clock is already running');
    this.running = true;
    try {
      while (this.heap.length > 0 && this.heap[0]!.time < time) this.runNext();
      if (time > this.time) this.time = time;
    } catch (e) {
      this.heap.length = 0; // the tasks left belong to the aborted patterns
      throw e;
    } finally {
      this.running = false;
    }
  }

  private runNext(): void {
    const task = this.pop();
    this.time = task.time;
    this.tasksRun++;
    try {
      task.run();
    } catch (e) {
      throw task.agent === null ? e : AgentError.from(e, task.agent);
    }
  }

  private push(entry: Task): void {
    const heap = this.heap;
    let k = heap.push(entry) - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[k] = heap[parent]!;
      k = parent;
    }
    heap[k] = entry;
  }

  private pop(): Task {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[c]!, last)) break;
        heap[k] = heap[c]!;
        k = c;
      }
      heap[k] = last;
    }
    return top;
  }
}
