/**
 * A study beside its published figures (the study file's "published": top-1 error % by rule): per rule our held-out
 * error, the published one, our gap to back-prop (rule − BP, paired by seed, with its 95 % interval) and the
 * published gap; and a sentence, written from these numbers, saying where the gaps agree and where they do not:
 *   sign   ours is the published gap's sign when our interval excludes 0; an interval holding 0 agrees only with a
 *          published gap under NO_GAP points (no difference either side), else it is "within our noise";
 *   size   rough agreement: our mean gap within a factor of SIZE_FACTOR of the published one (both beyond NO_GAP).
 */
import type { GroupSummary, Interval, StudySummary } from './summarise-study.ts';

/** Percentage points under which a published gap counts as no gap. */
export const NO_GAP = 0.1;
/** "Rough size": within this factor of each other. */
export const SIZE_FACTOR = 3;

export interface PublishedRow {
  rule: string;
  /** Our held-out error, in %. */
  error: Interval | null;
  published: number;
  /** Our gap to back-prop in percentage points (null for back-prop itself). */
  gap: Interval | null;
  publishedGap: number | null;
  sign: 'agrees' | 'differs' | 'within noise' | null;
  size: 'similar' | 'larger' | 'smaller' | null;
}

const toPercent = (i: Interval | null | undefined): Interval | null =>
  i
    ? {
        n: i.n,
        mean: 100 * i.mean,
        sd: 100 * i.sd,
        ci95: i.ci95 === null ? null : 100 * i.ci95,
        low: i.low === null ? null : 100 * i.low,
        high: i.high === null ? null : 100 * i.high,
      }
    : null;

function signOf(gap: Interval, published: number): PublishedRow['sign'] {
  const holdsZero = gap.low === null || gap.high === null || (gap.low <= 0 && gap.high >= 0);
  if (holdsZero) return Math.abs(published) < NO_GAP ? 'agrees' : 'within noise';
  if (Math.abs(published) < NO_GAP) return 'differs';
  return Math.sign(gap.mean) === Math.sign(published) ? 'agrees' : 'differs';
}

function sizeOf(gap: Interval, published: number): PublishedRow['size'] {
  if (Math.abs(published) < NO_GAP) return Math.abs(gap.mean) < NO_GAP * SIZE_FACTOR ? 'similar' : 'larger';
  const ratio = Math.abs(gap.mean) / Math.abs(published);
  return ratio > SIZE_FACTOR ? 'larger' : ratio < 1 / SIZE_FACTOR ? 'smaller' : 'similar';
}

/** One row per group whose rule has a published figure, in the study's order; [] without published figures. */
export function publishedRows(summary: StudySummary): PublishedRow[] {
  const published = summary.published;
  if (!published) return [];
  const bp = published.errors.backprop ?? null;
  return summary.groups.flatMap((g: GroupSummary) => {
    const figure = published.errors[g.config.rule.name];
    if (figure === undefined) return [];
    const on = g.final.test.error ? 'test' : 'train';
    const gap = toPercent(g.gapToBackprop?.error);
    const publishedGap = g.config.rule.name === 'backprop' || bp === null ? null : figure - bp;
    const both = gap !== null && publishedGap !== null;
    return [
      {
        rule: g.config.rule.name,
        error: toPercent(g.final[on].error),
        published: figure,
        gap,
        publishedGap,
        sign: both ? signOf(gap, publishedGap) : null,
        size: both ? sizeOf(gap, publishedGap) : null,
      },
    ];
  });
}

const points = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const list = (rows: PublishedRow[]): string => rows.map((r) => r.rule).join(', ');

/** The sentence: which gaps agree with the published ones in sign and in rough size, and which do not. */
export function agreementSentence(rows: PublishedRow[]): string {
  const compared = rows.filter((r) => r.sign !== null);
  if (compared.length === 0) return 'No rule has both our gap to back-prop and a published one to compare.';
  const agree = compared.filter((r) => r.sign === 'agrees');
  const differ = compared.filter((r) => r.sign === 'differs');
  const noise = compared.filter((r) => r.sign === 'within noise');
  const similar = compared.filter((r) => r.sign === 'agrees' && r.size === 'similar');
  const offSize = compared.filter((r) => r.sign === 'agrees' && r.size !== 'similar');
  const detail = (r: PublishedRow): string =>
    `${points(r.gap!.mean)}${r.gap!.ci95 === null ? '' : ` ± ${r.gap!.ci95.toFixed(2)}`} ` +
    `against ${points(r.publishedGap!)}`;
  const parts: string[] = [];
  parts.push(
    agree.length === compared.length
      ? `All ${compared.length} gaps to back-prop agree in sign with the published ones`
      : `${agree.length} of ${compared.length} gaps to back-prop agree in sign with the published ones` +
          (agree.length ? ` (${list(agree)})` : ''),
  );
  if (similar.length) parts.push(`of these, ${list(similar)} also agree in rough size (within ×${SIZE_FACTOR})`);
  if (offSize.length) parts.push(`${offSize.map((r) => `${r.rule} is ${r.size} (${detail(r)} points)`).join('; ')}`);
  const opposite = differ.filter((r) => Math.abs(r.publishedGap!) >= NO_GAP);
  const noPublishedGap = differ.filter((r) => Math.abs(r.publishedGap!) < NO_GAP);
  if (opposite.length)
    parts.push(`the sign differs for ${opposite.map((r) => `${r.rule} (${detail(r)} points)`).join(', ')}`);
  if (noPublishedGap.length)
    parts.push(
      `the published gap is under ${NO_GAP} points (no gap) where ours is not 0 for ` +
        `${noPublishedGap.map((r) => `${r.rule} (${detail(r)} points)`).join(', ')}`,
    );
  if (noise.length)
    parts.push(
      `our interval holds 0 for ${noise.map((r) => `${r.rule} (${detail(r)} points)`).join(', ')}, ` +
        'so its sign is within our noise',
    );
  return `${parts.join('; ')}.`;
}
