/**
 * Rounds of messages from a fixed set of senders: round r is complete when each of the m senders has
 * sent its r-th message, and complete rounds are handed on in order, each as the array of its
 * messages indexed by sender (messages[k] from sender k). Whatever the order of arrival (a sender may
 * be a round ahead of another when connections have different delays), the receiver sees whole
 * rounds and reads them in sender order, so its sums are formed in one fixed order (k = 0, 1, …).
 * The receiver reads a round's array during the call that hands it on, and keeps nothing of it: the
 * array itself is used again for a later round (the messages in it are never changed).
 */
export class Collector<T> {
  /** Messages received from each sender, minus the rounds already handed on. */
  private readonly ahead: Int32Array;
  /** The rounds begun and not yet handed on, oldest first. */
  private readonly rounds: { messages: T[]; arrived: number }[] = [];
  /** Rounds handed on, to be used again. */
  private readonly spare: { messages: T[]; arrived: number }[] = [];

  constructor(
    readonly senders: number,
    private readonly complete: (messages: readonly T[]) => void,
  ) {
    this.ahead = new Int32Array(senders);
  }

  /** Sender k's next message. */
  add(k: number, message: T): void {
    const r = this.ahead[k]!++;
    let round = this.rounds[r];
    if (round === undefined) {
      round = this.spare.pop() ?? { messages: new Array<T>(this.senders), arrived: 0 };
      this.rounds[r] = round;
    }
    round.messages[k] = message;
    round.arrived++;
    while (this.rounds.length > 0 && this.rounds[0]!.arrived === this.senders) {
      const done = this.rounds.shift()!;
      for (let j = 0; j < this.senders; j++) this.ahead[j]!--;
      this.complete(done.messages);
      done.arrived = 0;
      this.spare.push(done);
    }
  }
}
