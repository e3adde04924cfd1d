/**
 * Rounds of messages from a fixed set of senders: round r is complete when each of the m senders has
 * sent its r-th message, and complete rounds are handed on in order, each as the array of its
 * messages indexed by sender (messages[k] from sender k). Whatever the order of arrival (a sender may
 * be a round ahead of another when connections have different delays), the receiver sees whole
 * rounds and reads them in sender order, so its sums are formed in one fixed order (k = 0, 1, …).
 */
export class Collector<T> {
  /** Messages received from each sender, minus the rounds already handed on. */
  private readonly ahead: Int32Array;
  /** The rounds begun and not yet handed on, oldest first. */
  private readonly rounds: { messages: T[]; arrived: number }[] = [];

  constructor(
    readonly senders: number,
    private readonly complete: (messages: readonly T[]) => void,
  ) {
    this.ahead = new Int32Array(senders);
  }

  /** Sender k's next message. */
  add(k: number, message: T): void {
    const r = this.ahead[k]!++;
    this.rounds[r] ??= { messages: new Array<T>(this.senders), arrived: 0 };
    const round = this.rounds[r];
    round.messages[k] = message;
    round.arrived++;
    while (this.rounds.length > 0 && this.rounds[0]!.arrived === this.senders) {
      const { messages } = this.rounds.shift()!;
      for (let j = 0; j < this.senders; j++) this.ahead[j]!--;
      this.complete(messages);
    }
  }
}
