/** The files that describe a whole study, from its cells' results: summary.json and its page, index.html. */
import type { CellResult } from './run-cell.ts';
import { studyPage } from './study-page.ts';
import type { Study } from './study-spec.ts';
import { summariseStudy, summaryToJSON, type StudySummary } from './summarise-study.ts';
import { PAGE_FILE, SUMMARY_FILE } from './sweep-folder.ts';

export async function studyReport(
  study: Study,
  results: ReadonlyMap<string, CellResult>,
): Promise<{ summary: StudySummary; files: Map<string, string> }> {
  const summary = summariseStudy(study, results);
  const page = await studyPage(summary, study.description);
  const files = new Map([
    [SUMMARY_FILE, summaryToJSON(summary)],
    [PAGE_FILE, page],
  ]);
  return { summary, files };
}
