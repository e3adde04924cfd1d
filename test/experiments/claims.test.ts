/**
 * Every experiment states its claims as functions of its data; here they are evaluated on the
 * committed results (results/<name>/data.json and timings.json, what the README and the page show).
 * Each must hold, and the committed summary.json (which the page prints) must say the same.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Claim, Experiment } from '../../src/report/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const files = readdirSync(join(ROOT, 'experiments'))
  .filter((f) => /^\d\d-[a-z0-9-]+\.ts$/.test(f))
  .sort();
const readJson = (file: string): unknown => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);

describe('claims against the committed results', () => {
  it('finds the experiments', () => expect(files.length).toBeGreaterThanOrEqual(11));

  for (const file of files) {
    it(`${file}: every claim holds on results/ and the page states it as evaluated`, async () => {
      const experiment = (await import(pathToFileURL(join(ROOT, 'experiments', file)).href)).default as Experiment;
      expect(experiment.claims, `${file} states no claims`).toBeTypeOf('function');
      const dir = join(ROOT, 'results', experiment.name);
      const claims: Claim[] = experiment.claims!(readJson(join(dir, 'data.json')), readJson(join(dir, 'timings.json')));
      expect(claims.length).toBeGreaterThan(0);
      for (const c of claims) {
        expect(c.text).toMatch(/\d/); // a claim states its numbers
        expect(c.holds, c.text).toBe(true);
      }
      const summary = readJson(join(dir, 'summary.json')) as { claims?: Claim[] };
      expect(summary.claims).toEqual(claims);
    });
  }

  it('a failing claim is printed as failing, in red, not dropped', async () => {
    const { reportPage } = await import('../../src/report/index.ts');
    const summary = {
      name: 'demo',
      order: 1,
      file: 'experiments/01-demo.ts',
      description: 'Demo: a test.',
      budget: 'quick' as const,
      seed: '1',
      charts: [],
      headline: [],
      notes: [],
    };
    const claims: Claim[] = [
      { text: 'one holds at 1.0', holds: true },
      { text: 'one fails at 2.0', holds: false, key: true },
    ];
    const page = reportPage([{ summary: { ...summary, claims }, svgs: {} }]);
    expect(page).toContain('<li class="claim holds" data-holds="true">✓ one holds at 1.0</li>');
    expect(page).toContain('<li class="claim fails" data-holds="false">✗ does not hold: one fails at 2.0</li>');
    expect(page).toMatch(/li\.claim\.fails \{ color: #b00000/);
    // The key finding in the summary keeps its failure too.
    expect(page).toMatch(/<section class="summary"[\s\S]*✗ does not hold: one fails at 2\.0/);
  });
});
