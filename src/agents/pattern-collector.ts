/**
 * Collects one message from each of n senders per pattern id, and hands the n on (in sender order,
 * whatever the order of arrival) once the last has come. Patterns overlap, so several collections
 * may be open at once; each is dropped when it is handed on.
 */
export class PatternCollector<T extends { readonly pattern: number }> {
  private readonly open = new Map<number, { items: T[]; count: number }>();

  constructor(
    readonly senders: number,
    private readonly complete: (pattern: number, items: readonly T[]) => void,
  ) {}

  /** How many patterns are still being collected. */
  get pending(): number {
    return this.open.size;
  }

  add(sender: number, item: T): void {
    let entry = this.open.get(item.pattern);
    if (entry === undefined) {
      entry = { items: new Array<T>(this.senders), count: 0 };
      this.open.set(item.pattern, entry);
    }
    if (entry.items[sender] !== undefined) throw new Error(`sender ${sender} sent twice for pattern ${item.pattern}`);
    entry.items[sender] = item;
    if (++entry.count === this.senders) {
      this.open.delete(item.pattern);
      this.complete(item.pattern, entry.items);
    }
  }
}
