/**
 * A study's page (index.html in its folder, self-contained, offline): one table row per group of
 * seeds, with the held-out error's mean ± 95 % interval and the gap to back-prop paired by seed,
 * and the held-out error per epoch, mean with its 95 % band. Written from the summary alone, so
 * a merged study and a single-process run have the same page.
 */
import { renderSvg } from '../report/render.ts';
import type { Row } from '../report/chart-spec.ts';
import { seriesChart } from '../report/charts.ts';
import { escapeHtml } from '../report/html.ts';
import { agreementSentence, publishedRows, type PublishedRow } from './published-comparison.ts';
import type { GroupSummary, Interval, StudySummary } from './summarise-study.ts';

const pct = (x: number): string => (100 * x).toFixed(2);
const plain = (x: number): string => x.toFixed(4);
/** "m ± h" in the given format; a single seed has no interval. */
const withInterval = (i: Interval | null | undefined, format = pct, signed = false): string => {
  if (!i) return '–';
  const m = signed && i.mean >= 0 ? `+${format(i.mean)}` : format(i.mean);
  return i.ci95 === null ? `${m} (n = 1)` : `${m} ± ${format(i.ci95)}`;
};

/** The config fields that differ between groups: they name a group; the rest is said once. */
function varying(groups: GroupSummary[]): string[] {
  const keys = Object.keys(groups[0]?.config ?? {});
  const value = (g: GroupSummary, k: string): string => JSON.stringify((g.config as Record<string, unknown>)[k]);
  return keys.filter((k) => new Set(groups.map((g) => value(g, k))).size > 1);
}

function ruleName(g: GroupSummary): string {
  return Object.entries(g.config.rule)
    .map(([k, v]) => (k === 'name' ? String(v) : `${k}=${String(v)}`))
    .join(' ');
}

export function groupLabel(g: GroupSummary, fields: string[]): string {
  const config = g.config as Record<string, unknown>;
  const parts = fields.filter((k) => k !== 'rule').map((k) => `${k}=${JSON.stringify(config[k])}`);
  return [ruleName(g), ...parts].join(' ');
}

const points = (i: Interval | null): string =>
  i === null
    ? '–'
    : `${i.mean >= 0 ? '+' : '−'}${Math.abs(i.mean).toFixed(2)}${i.ci95 === null ? '' : ` ± ${i.ci95.toFixed(2)}`}`;
const signed = (x: number | null): string => (x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`);

/** The table beside the published figures, and the sentence on where the gaps agree (published-comparison.ts). */
function publishedSection(summary: StudySummary, rows: PublishedRow[]): string {
  if (!summary.published || rows.length === 0) return '';
  const { source, note } = summary.published;
  const body = rows.map(
    (r) =>
      `<tr><td>${escapeHtml(r.rule)}</td><td>${r.error ? `${r.error.mean.toFixed(2)}${r.error.ci95 === null ? '' : ` ± ${r.error.ci95.toFixed(2)}`}` : '–'}</td>` +
      `<td>${r.published.toFixed(2)}</td><td>${points(r.gap)}</td><td>${signed(r.publishedGap)}</td>` +
      `<td>${r.sign ?? '–'}</td><td>${r.size ?? '–'}</td></tr>`,
  );
  return (
    `<h2>Beside the published figures</h2>
<p>${escapeHtml(note)} Source: <a href="${escapeHtml(source)}">${escapeHtml(source)}</a>.</p>
<table><thead><tr><th>rule</th><th>our error % (mean ± 95 % CI)</th><th>published error %</th>` +
    `<th>our gap to BP, points</th><th>published gap, points</th><th>sign</th><th>size</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody></table>
<p>${escapeHtml(agreementSentence(rows))}</p>
`
  );
}

export async function studyPage(summary: StudySummary, description: string): Promise<string> {
  const fields = varying(summary.groups);
  // The lr axis says nothing when every rule carries its own η (shown with the rule).
  const ownLr = summary.groups.every((g) => g.config.rule.lr !== undefined);
  const shared = summary.groups[0]
    ? Object.entries(summary.groups[0].config).filter(([k]) => !fields.includes(k) && !(ownLr && k === 'lr'))
    : [];
  const on = summary.groups.some((g) => g.final.test.error) ? 'test' : 'train';
  const rows = summary.groups.map((g) => {
    const n = g.seeds.length - g.diverged;
    const seeds = `${n}${g.diverged ? ` (+${g.diverged} diverged)` : ''}`;
    return (
      `<tr><td>${escapeHtml(groupLabel(g, fields))}</td><td>${seeds}</td>` +
      `<td>${withInterval(g.final[on].error)}</td><td>${withInterval(g.final[on].loss, plain)}</td>` +
      `<td>${withInterval(g.gapToBackprop?.error, pct, true)}</td></tr>`
    );
  });
  const values: Row[] = summary.groups.flatMap((g) =>
    g.curves.flatMap((c) => {
      const e = c[on].error;
      if (!e) return [];
      const group = groupLabel(g, fields);
      return [{ group, epoch: c.epoch, error: e.mean, low: e.low ?? e.mean, high: e.high ?? e.mean }];
    }),
  );
  const chart = values.length
    ? await renderSvg(
        seriesChart({
          title: `${on === 'test' ? 'Held-out' : 'Training'} error per epoch`,
          subtitle: 'mean over seeds, band: 95 % confidence interval (Student t)',
          values,
          x: { field: 'epoch', integer: true },
          y: { field: 'error', title: `${on} error`, format: '%' },
          color: { field: 'group', title: null },
          band: { lower: 'low', upper: 'high' },
          mark: 'line+point',
          width: 520,
          height: 280,
        }),
        'curves',
      )
    : '';
  const code = (k: string, v: unknown): string => `<code>${escapeHtml(k)}=${escapeHtml(JSON.stringify(v))}</code>`;
  const sharedText = shared.map(([k, v]) => code(k, v)).join(', ');
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(summary.study)}</title>
<style>body{font-family:'DejaVu Sans',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .7rem;text-align:right}
td:first-child,th:first-child{text-align:left}code{font-size:.9em}</style></head><body>
<h1>Study ${escapeHtml(summary.study)}</h1>
<p>${escapeHtml(description)}</p>
<p>${summary.cells} cells. Shared by every row: ${sharedText}.</p>
<table><thead><tr><th>group</th><th>seeds</th><th>${on} error % (mean ± 95 % CI)</th>` +
    `<th>${on} loss (mean ± 95 % CI)</th>` +
    `<th>gap to backprop, % points (paired by seed)</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
${publishedSection(summary, publishedRows(summary))}${chart}
</body></html>
`
  );
}
