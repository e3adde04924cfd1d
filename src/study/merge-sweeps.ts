/**
 * Merge the folders of a study's shards into one sweep folder: every folder must hold the same
 * study.json, every cell must come from exactly one folder (a duplicate or a hole is an error
 * naming it), and the result equals, byte for byte, the folder a single process would write.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { writeFolderAtomic } from '../core/write-folder-atomic.ts';
import { parseJsonText } from '../data/index.ts';
import { cellFileName, cellIdsIn, readCellResult, STUDY_FILE } from './sweep-folder.ts';
import type { CellResult } from './run-cell.ts';
import { studyReport } from './study-report.ts';
import type { StudySummary } from './summarise-study.ts';
import type { Study } from './study-spec.ts';

/** Check the shard folders and read them; nothing is written. */
export interface Shards {
  studyText: string;
  study: Study;
  results: Map<string, CellResult>;
  /** Each cell's file, as it is. */
  texts: Map<string, string>;
}

export function readShards(dirs: readonly string[]): Shards {
  if (dirs.length === 0) throw new InputError('merge needs at least one sweep folder');
  let first: { dir: string; text: string } | null = null;
  for (const dir of dirs) {
    const path = join(dir, STUDY_FILE);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${dir}: no such folder`);
    if (!existsSync(path)) throw new InputError(`${dir}: no ${STUDY_FILE}; not a sweep folder`);
    const text = readFileSync(path, 'utf8');
    if (first === null) first = { dir, text };
    else if (text !== first.text) {
      throw new InputError(`${path}: a different study from ${join(first.dir, STUDY_FILE)}`);
    }
  }
  const path = join(first!.dir, STUDY_FILE);
  const json = parseJsonText(first!.text, path) as Omit<Study, 'path'>;
  const published = json.published && { published: json.published };
  const study: Study = { name: json.name, description: json.description, path, cells: json.cells, ...published };
  const byId = new Map(study.cells.map((c) => [c.id, c]));
  const from = new Map<string, string>();
  const results = new Map<string, CellResult>();
  const texts = new Map<string, string>();
  for (const dir of dirs) {
    for (const id of cellIdsIn(dir)) {
      const cell = byId.get(id);
      if (!cell) throw new InputError(`${join(dir, cellFileName(id))}: cell ${id} is not in study ${study.name}`);
      if (from.has(id)) {
        throw new InputError(`cell ${id} is in both ${from.get(id)} and ${dir} (duplicate); merge each shard once`);
      }
      from.set(id, dir);
      results.set(id, readCellResult(dir, cell));
      texts.set(id, readFileSync(join(dir, cellFileName(id)), 'utf8'));
    }
  }
  const missing = study.cells.filter((c) => !from.has(c.id)).map((c) => c.id);
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ', …' : '');
    throw new InputError(
      `${missing.length} of ${study.cells.length} cells of study ${study.name} are in none of the folders ` +
        `(holes: ${shown}); run their shards`,
    );
  }
  return { studyText: first!.text, study, results, texts };
}

/** Merge `dirs` into `out` (replaced whole); returns the study's summary. */
export async function mergeSweeps(dirs: readonly string[], out: string): Promise<StudySummary> {
  const { studyText, study, results, texts } = readShards(dirs);
  const report = await studyReport(study, results);
  const files = new Map<string, string>([[STUDY_FILE, studyText]]);
  for (const cell of study.cells) files.set(cellFileName(cell.id), texts.get(cell.id)!);
  for (const [name, text] of report.files) files.set(name, text);
  writeFolderAtomic(out, files);
  return report.summary;
}
