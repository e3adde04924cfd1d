/** The table beside the published figures and the sentence written from it (published-comparison.ts). */
import { describe, expect, it } from 'vitest';
import { agreementSentence, publishedRows } from '../../src/study/published-comparison.ts';
import { interval, type GroupSummary, type StudySummary } from '../../src/study/summarise-study.ts';

/** A group with the given test errors per seed (fractions), and its paired gap to back-prop's errors. */
function group(rule: string, errors: number[], bp: number[] | null): GroupSummary {
  const metrics = { loss: interval([1, 1, 1]), accuracy: interval(errors.map((e) => 1 - e)), error: interval(errors) };
  return {
    group: rule,
    config: { rule: { name: rule } } as GroupSummary['config'],
    seeds: [1, 2, 3],
    cells: [],
    diverged: 0,
    final: { train: metrics, test: metrics },
    gapToBackprop: bp
      ? { group: 'backprop', on: 'test', loss: null, error: interval(errors.map((e, k) => e - bp[k]!)) }
      : null,
    curves: [],
  };
}

const bp = [0.1, 0.11, 0.12];
const summary = (groups: GroupSummary[]): StudySummary => ({
  study: 's',
  cells: 3 * groups.length,
  groups,
  published: {
    source: 'https://example.org/table',
    note: 'n',
    errors: { backprop: 9, 'feedback-alignment': 13, usf: 9.5, brsf: 9, frsf: 8 },
  },
});

describe('beside the published figures', () => {
  const rows = publishedRows(
    summary([
      group('backprop', bp, null),
      // +4 points, tight: agrees in sign and size with +4
      group('feedback-alignment', [0.14, 0.15, 0.16], bp),
      // +40 points: agrees in sign, 80× the published +0.5
      group('usf', [0.5, 0.51, 0.52], bp),
      // interval holds 0, published gap 0: agrees
      group('brsf', [0.09, 0.12, 0.12], bp),
      // +3 points against a published −1: the sign differs
      group('frsf', [0.13, 0.14, 0.15], bp),
      // no published figure: no row
      group('direct-feedback-alignment', [0.2, 0.2, 0.2], bp),
    ]),
  );

  it('one row per rule with a published figure, in %, with both gaps in points', () => {
    expect(rows.map((r) => r.rule)).toEqual(['backprop', 'feedback-alignment', 'usf', 'brsf', 'frsf']);
    const fa = rows[1]!;
    expect(fa.error!.mean).toBeCloseTo(15, 12);
    expect(fa.gap!.mean).toBeCloseTo(4, 12);
    expect(fa.publishedGap).toBe(4);
    expect(rows[0]!.gap).toBeNull();
    expect(rows[0]!.sign).toBeNull();
  });

  it('judges sign and rough size from the numbers', () => {
    expect(rows.slice(1).map((r) => [r.rule, r.sign, r.size])).toEqual([
      ['feedback-alignment', 'agrees', 'similar'],
      ['usf', 'agrees', 'larger'],
      ['brsf', 'agrees', 'similar'],
      ['frsf', 'differs', 'larger'],
    ]);
  });

  it('the sentence names where the gaps agree and where not, with the numbers', () => {
    expect(agreementSentence(rows)).toBe(
      '3 of 4 gaps to back-prop agree in sign with the published ones (feedback-alignment, usf, brsf); ' +
        'of these, feedback-alignment, brsf also agree in rough size (within ×3); ' +
        'usf is larger (+40.00 ± 0.00 against +0.50 points); ' +
        'the sign differs for frsf (+3.00 ± 0.00 against −1.00 points).',
    );
  });

  it('a gap whose interval holds 0 against a published gap is "within our noise"', () => {
    const noisy = publishedRows(summary([group('backprop', bp, null), group('usf', [0.05, 0.2, 0.12], bp)]));
    expect(noisy[1]!.sign).toBe('within noise');
    expect(agreementSentence(noisy)).toBe(
      '0 of 1 gaps to back-prop agree in sign with the published ones; ' +
        'our interval holds 0 for usf (+1.33 ± 17.62 against +0.50 points), so its sign is within our noise.',
    );
  });

  it('a published gap under 0.1 points is no gap: ours beyond 0 is said so, not as a sign', () => {
    const none = publishedRows(summary([group('backprop', bp, null), group('brsf', [0.2, 0.21, 0.22], bp)]));
    expect(none[1]!.sign).toBe('differs');
    expect(agreementSentence(none)).toBe(
      '0 of 1 gaps to back-prop agree in sign with the published ones; the published gap is under 0.1 points ' +
        '(no gap) where ours is not 0 for brsf (+10.00 ± 0.00 against +0.00 points).',
    );
  });

  it('without published figures there is nothing to set beside', () => {
    expect(publishedRows({ ...summary([group('backprop', bp, null)]), published: undefined })).toEqual([]);
    expect(agreementSentence([])).toMatch(/No rule has both/);
  });
});
