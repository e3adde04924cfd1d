/**
 * summary.json: what the report shows for one experiment, written by the runner beside data.json.
 * `localprop report` rebuilds index.html from these files and the SVGs, without re-running anything.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BudgetName, Claim, HeadlineRow } from './experiment.ts';

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

function isSummary(v: unknown): v is ExperimentSummary {
  const s = v as ExperimentSummary;
  return (
    s !== null && typeof s === 'object' && typeof s.name === 'string' && typeof s.order === 'number' && typeof s.file === 'string' &&
    typeof s.description === 'string' && typeof s.seed === 'string' && Array.isArray(s.charts) && Array.isArray(s.headline) && Array.isArray(s.notes)
  );
}

/** Every results/<name>/summary.json under `outDir`, in reading order; folders without one are ignored. */
export function readSummaries(outDir: string): ExperimentSummary[] {
  if (!existsSync(outDir)) return [];
  const summaries: ExperimentSummary[] = [];
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = join(outDir, entry.name, SUMMARY_FILE);
    if (!existsSync(file)) continue;
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isSummary(json) && json.name === entry.name) summaries.push(json);
  }
  return summaries.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
