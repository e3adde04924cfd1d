/**
 * The README's "Studies" figures, written from the committed sweep folders (studies/results/<study>/summary.json and
 * study.json) and the record of how they were run (studies/results/runs.json: command, workers, start and end), by
 * code, never by hand. Per study: the command, a table of held-out error with its 95 % interval per rule (beside the
 * published figures when the study gives them, with both gaps to back-prop), the sentence on where the gaps agree
 * (published-comparison.ts), the time one epoch of a cell took, and the --full budget's cost estimated from it:
 *   epoch time   t = Σ wall · workers / (cells · epochs)   over the run's stretches (its contention included)
 *   full epoch   t · (N_train + ρ·N_test) / (limit + ρ·testLimit),  ρ = EVAL_SHARE
 * A training pattern is learned and then measured each epoch; a held-out pattern is only measured, a forward pass,
 * taken as ρ = 1/4 of the cost of a learned-and-measured pattern (README "Studies" says so).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agreementSentence, publishedRows } from './published-comparison.ts';
import type { CellConfig } from './study-spec.ts';
import type { GroupSummary, Interval, StudySummary } from './summarise-study.ts';

/** The cost of measuring one held-out pattern relative to learning and measuring one training pattern. */
export const EVAL_SHARE = 0.25;
/** The official splits of MNIST and Fashion-MNIST. */
const FULL_TRAIN = 60_000;
const FULL_TEST = 10_000;

/** One stretch of a sweep: from start to end (ISO times) with this many workers. */
export interface RunSegment {
  start: string;
  end: string;
  workers: number;
}

/** How a study was run: the command (its last form, if it was stopped and resumed) and each stretch of it. */
export interface StudyRun {
  study: string;
  command: string;
  segments: RunSegment[];
  /** The machine's 1-minute load average during the run, as sampled (others' jobs included). */
  load: string;
}

const seconds = (s: RunSegment): number => (Date.parse(s.end) - Date.parse(s.start)) / 1000;

const pct = (i: Interval | null | undefined): string =>
  !i ? '—' : `${(100 * i.mean).toFixed(2)}${i.ci95 === null ? '' : ` ± ${(100 * i.ci95).toFixed(2)}`}`;
const signedPoints = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const gapText = (i: Interval | null | undefined): string =>
  !i ? '—' : `${signedPoints(100 * i.mean)}${i.ci95 === null ? '' : ` ± ${(100 * i.ci95).toFixed(2)}`}`;
const duration = (seconds: number): string =>
  seconds >= 2 * 86400
    ? `${(seconds / 86400).toFixed(1)} days`
    : seconds >= 5400
      ? `${(seconds / 3600).toFixed(1)} h`
      : `${Math.round(seconds / 60)} min`;

const ruleText = (g: GroupSummary): string =>
  Object.entries(g.config.rule)
    .map(([k, v]) => (k === 'name' ? String(v) : `${k}=${String(v)}`))
    .join(' ');

/** Per-epoch time of a cell and the full budget's cost, from the run's wall time. */
export function timing(
  run: StudyRun,
  summary: StudySummary,
  config: Omit<CellConfig, 'seed'>,
): { epochSeconds: number; fullCoreHours: number; fullEpochSeconds: number } {
  const workerSeconds = run.segments.reduce((sum, s) => sum + seconds(s) * s.workers, 0);
  const epochSeconds = workerSeconds / (summary.cells * config.epochs);
  const limit = config.limit ?? FULL_TRAIN;
  const testLimit = config.testLimit ?? FULL_TEST;
  const fullEpochSeconds = (epochSeconds * (FULL_TRAIN + EVAL_SHARE * FULL_TEST)) / (limit + EVAL_SHARE * testLimit);
  return { epochSeconds, fullEpochSeconds, fullCoreHours: (summary.cells * 100 * fullEpochSeconds) / 3600 };
}

function studyBlock(dir: string, run: StudyRun | undefined): string {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as StudySummary;
  const study = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as { description: string };
  const lines = [`#### ${summary.study}`, '', study.description, ''];
  if (run) lines.push('```sh', run.command, '```', '');
  const rows = publishedRows(summary);
  if (summary.published && rows.length > 0) {
    lines.push(
      '| rule | seeds | test error % | BioTorch % | gap to BP, points | BioTorch gap | sign | size |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const g of summary.groups) {
      const r = rows.find((row) => row.rule === g.config.rule.name);
      const published = r ? r.published.toFixed(2) : '—';
      const pg = r?.publishedGap;
      lines.push(
        `| ${ruleText(g)} | ${g.seeds.length - g.diverged} | ${pct(g.final.test.error)} | ${published} | ` +
          `${gapText(g.gapToBackprop?.error)} | ${pg === null || pg === undefined ? '—' : signedPoints(pg)} | ` +
          `${r?.sign ?? '—'} | ${r?.size ?? '—'} |`,
      );
    }
    lines.push('', agreementSentence(rows), '', `Published figures: ${summary.published.source}.`);
  } else {
    lines.push('| rule | seeds | test error % | gap to BP, points |', '|---|---|---|---|');
    for (const g of summary.groups)
      lines.push(
        `| ${ruleText(g)} | ${g.seeds.length - g.diverged} | ${pct(g.final.test.error)} | ` +
          `${gapText(g.gapToBackprop?.error)} |`,
      );
  }
  lines.push('', 'Error: mean over seeds ± the 95 % interval (Student t); gaps paired by seed.');
  const config = summary.groups[0]?.config;
  if (run && config) {
    const t = timing(run, summary, config);
    const stretches = run.segments
      .map(
        (g) =>
          `${g.start.slice(0, 16).replace('T', ' ')}–${g.end.slice(11, 16)} UTC with ${g.workers} worker${g.workers === 1 ? '' : 's'}`,
      )
      .join(', then ');
    const cores = Math.max(...run.segments.map((g) => g.workers));
    lines.push(
      '',
      `Run ${stretches} (machine load ${run.load}, other jobs included): one epoch of a cell took ` +
        `${t.epochSeconds.toFixed(0)} s of one worker on average. ` +
        `The \`--full\` budget (every training image, 100 epochs, all 10 000 test images) is then about ` +
        `${t.fullEpochSeconds.toFixed(0)} s per epoch of a cell, ${t.fullCoreHours.toFixed(0)} core-hours for the ` +
        `${summary.cells} cells: ${duration((t.fullCoreHours * 3600) / cores)} on ${cores} core${cores === 1 ? '' : 's'} like these.`,
    );
  }
  return lines.join('\n');
}

/** The section: one block per folder of `resultsDir` holding a finished study, by name. */
export function studiesSection(resultsDir: string): string {
  if (!existsSync(resultsDir)) return 'No study has been run yet.';
  const runsFile = join(resultsDir, 'runs.json');
  const runs = existsSync(runsFile) ? (JSON.parse(readFileSync(runsFile, 'utf8')) as { runs: StudyRun[] }).runs : [];
  const folders = readdirSync(resultsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(resultsDir, d.name, 'summary.json')))
    .map((d) => d.name)
    .sort();
  if (folders.length === 0) return 'No study has been run yet.';
  return folders
    .map((name) => {
      const summary = JSON.parse(readFileSync(join(resultsDir, name, 'summary.json'), 'utf8')) as StudySummary;
      return studyBlock(
        join(resultsDir, name),
        runs.find((r) => r.study === summary.study),
      );
    })
    .join('\n\n');
}
