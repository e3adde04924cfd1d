/**
 * A clock in virtual time: an RxJS SchedulerLike on the model of RxJS's VirtualTimeScheduler (actions run
 * in order of their due time, ties in the order they were scheduled; `flush` runs them all, and time jumps
 * from one due time to the next), with its queue kept as a binary heap. VirtualTimeScheduler re-sorts its
 * whole queue on every schedule, which dominates when every neuron schedules its own Euler steps.
 *
 * An exception in an action stops the flush at once: the queue is dropped and the exception thrown.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

class ClockAction<T> extends Subscription implements SchedulerAction<T> {
  due = 0;
  seq = 0;

  constructor(
    private readonly clock: VirtualClock,
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

export class VirtualClock implements SchedulerLike {
  private time = 0;
  private seq = 0;
  private readonly heap: ClockAction<unknown>[] = [];

  now(): number {
    return this.time;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    if (!(delay >= 0)) throw new Error(`clock: a delay must be ≥ 0, got ${delay}`);
    const action = new ClockAction<T>(this, work as (this: SchedulerAction<T>, state?: T) => void, state);
    action.due = this.time + delay;
    action.seq = this.seq++;
    this.push(action as ClockAction<unknown>);
    return action;
  }

  /** Run every action in time order, including those scheduled meanwhile. */
  flush(): void {
    const heap = this.heap;
    try {
      while (heap.length > 0) {
        const action = this.pop();
        this.time = action.due;
        action.run();
      }
    } catch (e) {
      heap.length = 0;
      throw e;
    }
  }

  /** Actions waiting. */
  get pending(): number {
    return this.heap.length;
  }

  private static before(a: ClockAction<unknown>, b: ClockAction<unknown>): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(a: ClockAction<unknown>): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(a);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(a, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = a;
  }

  private pop(): ClockAction<unknown> {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && VirtualClock.before(heap[r]!, heap[l]!) ? r : l;
        if (!VirtualClock.before(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
