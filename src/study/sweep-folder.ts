/**
 * A sweep's output folder: study.json (the study's cells), one <id>.cell.json per finished cell,
 * and summary.json with its page index.html once every cell of the study is there. Each file is written atomically, so
 * a folder never holds half a cell, and a cell whose file exists is finished (README "Sweeps").
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { parseJsonText } from '../data/index.ts';
import type { CellResult } from './run-cell.ts';
import type { Cell, Study } from './study-spec.ts';

export const STUDY_FILE = 'study.json';
export const SUMMARY_FILE = 'summary.json';
export const PAGE_FILE = 'index.html';
const CELL_SUFFIX = '.cell.json';

export const cellFileName = (id: string): string => `${id}${CELL_SUFFIX}`;

/** The cell ids of the result files in a folder (temporary files of an interrupted write are not results). */
export function cellIdsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(CELL_SUFFIX))
    .map((f) => f.slice(0, -CELL_SUFFIX.length))
    .sort();
}

/** Read a result file and check it belongs to `cell` (same config), else the folder holds another study's cell. */
export function readCellResult(dir: string, cell: Cell): CellResult {
  const path = join(dir, cellFileName(cell.id));
  const result = parseJsonText(readFileSync(path, 'utf8'), path) as CellResult;
  if (result === null || typeof result !== 'object' || JSON.stringify(result.config) !== JSON.stringify(cell.config)) {
    throw new InputError(
      `${path}: its config is not cell ${cell.id}'s; the folder holds another study's results (use another --out)`,
    );
  }
  return result;
}

/** The study's cells already finished in `dir`, by id. */
export function finishedCells(dir: string, study: Study): Map<string, CellResult> {
  const present = new Set(cellIdsIn(dir));
  const done = new Map<string, CellResult>();
  for (const cell of study.cells) if (present.has(cell.id)) done.set(cell.id, readCellResult(dir, cell));
  return done;
}
