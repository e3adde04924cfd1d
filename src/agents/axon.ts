/**
 * The stream every agent sends on: an RxJS Subject whose next() delivers to the current
 * observers with an indexed loop. Subject.next in RxJS 7 wraps each delivery in a closure and
 * walks the observers with an iterator — an allocation or two per message, which at a few
 * hundred messages per pattern is most of the garbage an agent circuit makes. Same semantics
 * otherwise: the observers snapshot RxJS keeps (reset on every subscribe and unsubscribe) is the
 * one used, so subscribing during a delivery affects the next message, not this one.
 */
import { ObjectUnsubscribedError, Subject, type Observer } from 'rxjs';

/** RxJS 7's cached copy of `observers` (private in its typings). */
interface SubjectInternals<T> {
  currentObservers: Observer<T>[] | null;
}

export class Axon<T> extends Subject<T> {
  override next(value: T): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    if (this.isStopped) return;
    const internals = this as unknown as SubjectInternals<T>;
    const observers = (internals.currentObservers ??= Array.from(this.observers));
    for (let k = 0; k < observers.length; k++) observers[k]!.next(value);
  }
}
