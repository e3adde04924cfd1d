/**
 * Unknown keys in an input file are errors, never silently ignored: a misspelt "activaton" would
 * otherwise give an identity layer. The message suggests the known key nearest in edit distance
 * (Levenshtein: insertions, deletions and substitutions each cost 1).
 */
import { InputError } from './errors.ts';
import { describeValue } from './tensor.ts';

/** The Levenshtein distance between a and b, by the two-row dynamic programme. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate nearest to `name` (case-insensitive), if it is near enough to be a likely misspelling. */
export function closestName(name: string, candidates: readonly string[]): string | null {
  // Longer names are not compared whole: a 3 MB key would cost 3 MB × |candidate| steps for nothing.
  const probe = name.slice(0, 64).toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(probe, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

/** A suggestion to append to an error: `; did you mean "stride"?`, or nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const near = closestName(name, candidates);
  return near === null ? '' : `; did you mean ${JSON.stringify(near)}?`;
}

/** Throw an InputError naming the first key of `obj` that is not in `known`, with the nearest known key. */
export function rejectUnknownKeys(obj: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new InputError(
        `${where}: unknown key ${describeValue(key)}${didYouMean(key, known)} (known keys: ${known.join(', ')})`,
      );
    }
  }
}
