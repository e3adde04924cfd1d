/** README "Studies" is written from the sweep folders and runs.json (studies-readme.ts), never by hand. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studiesSection, timing, type StudyRun } from '../../src/study/studies-readme.ts';
import { interval, type GroupSummary, type StudySummary } from '../../src/study/summarise-study.ts';

function group(rule: string, errors: number[], gap: number[] | null): GroupSummary {
  const m = { loss: interval([1, 1]), accuracy: interval(errors.map((e) => 1 - e)), error: interval(errors) };
  return {
    group: rule,
    config: { rule: { name: rule }, epochs: 4, limit: 1500, testLimit: 2000 } as GroupSummary['config'],
    seeds: [1, 2, 3],
    cells: [],
    diverged: 0,
    final: { train: m, test: m },
    gapToBackprop: gap ? { group: 'backprop', on: 'test', loss: null, error: interval(gap) } : null,
    curves: [],
  };
}

const summary: StudySummary = {
  study: 'lenet-x',
  cells: 6,
  groups: [group('backprop', [0.2, 0.2, 0.2], null), group('feedback-alignment', [0.3, 0.3, 0.3], [0.1, 0.1, 0.1])],
  published: { source: 'https://example.org/b', note: 'n', errors: { backprop: 9.2, 'feedback-alignment': 13.06 } },
};
const run: StudyRun = {
  study: 'lenet-x',
  command: 'npm run -s localprop -- sweep studies/lenet-x.study.json --out studies/results/lenet-x --workers 2',
  segments: [
    { start: '2026-11-29T17:00:00Z', end: '2026-11-29T17:08:00Z', workers: 1 },
    { start: '2026-11-29T17:08:00Z', end: '2026-11-29T17:16:00Z', workers: 2 },
  ],
  load: '3–5',
};

describe('README "Studies"', () => {
  it('epoch time from the wall time, and the full budget scaled from it', () => {
    // (480 s · 1 + 480 s · 2 workers) / (6 cells · 4 epochs) = 60 s; full epoch 60 · (60000 + 2500) / (1500 + 500) = 1875 s;
    // 6 cells · 100 epochs · 1875 s = 312.5 core-hours.
    const t = timing(run, summary, summary.groups[0]!.config);
    expect(t.epochSeconds).toBeCloseTo(60, 10);
    expect(t.fullEpochSeconds).toBeCloseTo(1875, 9);
    expect(t.fullCoreHours).toBeCloseTo(312.5, 9);
  });

  it('a table beside the published figures, the sentence, the command and the timing, from the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'localprop-studies-'));
    mkdirSync(join(dir, 'lenet-x'));
    writeFileSync(join(dir, 'lenet-x', 'summary.json'), JSON.stringify(summary));
    writeFileSync(join(dir, 'lenet-x', 'study.json'), JSON.stringify({ description: 'A study.' }));
    writeFileSync(join(dir, 'runs.json'), JSON.stringify({ runs: [run] }));
    const text = studiesSection(dir);
    expect(text).toContain(
      '#### lenet-x\n\nA study.\n\n```sh\nnpm run -s localprop -- sweep studies/lenet-x.study.json',
    );
    expect(text).toContain('| backprop | 3 | 20.00 ± 0.00 | 9.20 | — | — | — | — |');
    expect(text).toContain(
      '| feedback-alignment | 3 | 30.00 ± 0.00 | 13.06 | +10.00 ± 0.00 | +3.86 | agrees | similar |',
    );
    expect(text).toContain(
      'All 1 gaps to back-prop agree in sign with the published ones; of these, feedback-alignment',
    );
    expect(text).toContain('with 1 worker, then 2026-11-29 17:08–17:16 UTC with 2 workers');
    expect(text).toContain('one epoch of a cell took 60 s of one worker on average');
    expect(text).toContain('about 1875 s per epoch of a cell, 313 core-hours for the 6 cells: 6.5 days');
  });

  it('says so when no study has run', () => {
    expect(studiesSection(join(tmpdir(), 'no-such-folder-localprop'))).toBe('No study has been run yet.');
  });
});
