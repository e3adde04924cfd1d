/**
 * summary.json: what the report shows for one experiment, written by the runner beside data.json.
 * `localprop report` rebuilds index.html from these files and the SVGs, without re-running anything.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeValue } from '../core/tensor.ts';
import { BUDGET_NAMES, NAME_PATTERN, type BudgetName, type Claim, type HeadlineRow } from './experiment.ts';

export const SUMMARY_FILE = 'summary.json';

export interface ExperimentSummary {
  name: string;
  /** NN of experiments/NN-name.ts: the reading order. */
  order: number;
  /** The experiment file relative to the package root, e.g. experiments/04-classification.ts. */
  file: string;
  description: string;
  budget: BudgetName;
  seed: string;
  /** Chart names, in the order the experiment returned them. */
  charts: string[];
  headline: HeadlineRow[];
  notes: string[];
  /** The experiment's claims, evaluated on its data (Experiment.claims). */
  claims?: Claim[];
  /** The experiment's custom HTML block, if any. */
  html?: string;
}

/** A results folder whose summary.json cannot be used, and why; the report shows it as damaged. */
export interface DamagedResult {
  name: string;
  reason: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isCell = (v: unknown): boolean =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number';

/**
 * Why a parsed summary.json is not one the report can show, or null. Chart names are file names: they must match
 * NAME_PATTERN.
 */
export function summaryProblem(v: unknown, folder: string): string | null {
  if (!isPlainObject(v)) return `${SUMMARY_FILE} is ${describeValue(v)}, not an object`;
  const wrong = (key: string, expected: string): string =>
    `${SUMMARY_FILE}: "${key}" is ${describeValue(v[key])}, expected ${expected}`;
  if (v['name'] !== folder) return wrong('name', `the folder's name ${JSON.stringify(folder)}`);
  if (typeof v['order'] !== 'number' || !Number.isFinite(v['order'])) return wrong('order', 'a number');
  for (const key of ['file', 'description', 'seed']) if (typeof v[key] !== 'string') return wrong(key, 'a string');
  if (!(BUDGET_NAMES as readonly unknown[]).includes(v['budget'])) return wrong('budget', BUDGET_NAMES.join(' or '));
  const charts = v['charts'];
  if (!Array.isArray(charts) || !charts.every((c) => typeof c === 'string' && NAME_PATTERN.test(c))) {
    return wrong('charts', 'chart names (lower case words joined by dashes)');
  }
  const headline = v['headline'];
  if (!Array.isArray(headline) || !headline.every((row) => isPlainObject(row) && Object.values(row).every(isCell))) {
    return wrong('headline', 'rows of { column: number, string, boolean or null }');
  }
  const notes = v['notes'];
  if (!Array.isArray(notes) || !notes.every((n) => typeof n === 'string')) return wrong('notes', 'an array of strings');
  if (v['html'] !== undefined && typeof v['html'] !== 'string') return wrong('html', 'a string');
  const claims = v['claims'];
  const isClaim = (c: unknown): boolean =>
    isPlainObject(c) &&
    typeof c['text'] === 'string' &&
    typeof c['holds'] === 'boolean' &&
    (c['key'] === undefined || typeof c['key'] === 'boolean');
  if (claims !== undefined && !(Array.isArray(claims) && claims.every(isClaim)))
    return wrong('claims', 'an array of { text, holds, key? }');
  return null;
}

/**
 * Every <outDir>/<name>/summary.json, in reading order, and the folders whose summary.json is
 * damaged (not JSON, not a file, fields of the wrong kind). Folders without a summary.json, and
 * hidden ones (a run's staging folders), are not results and are passed over.
 */
export function readResults(outDir: string): { summaries: ExperimentSummary[]; damaged: DamagedResult[] } {
  const summaries: ExperimentSummary[] = [];
  const damaged: DamagedResult[] = [];
  if (!existsSync(outDir)) return { summaries, damaged };
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const file = join(outDir, entry.name, SUMMARY_FILE);
    if (!existsSync(file)) continue;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const reason = code ? `${SUMMARY_FILE} cannot be read (${code})` : `${SUMMARY_FILE} is not JSON`;
      damaged.push({ name: entry.name, reason });
      continue;
    }
    const problem = summaryProblem(json, entry.name);
    if (problem === null) summaries.push(json as ExperimentSummary);
    else damaged.push({ name: entry.name, reason: problem });
  }
  summaries.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  damaged.sort((a, b) => a.name.localeCompare(b.name));
  return { summaries, damaged };
}

/** The usable summaries only (see readResults). */
export function readSummaries(outDir: string): ExperimentSummary[] {
  return readResults(outDir).summaries;
}
