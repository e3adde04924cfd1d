/** The README's measured sections are what the committed results say (bench/readme.ts writes them). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchSection, expectedReadme, replaceSection } from '../../bench/readme.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('README from the results', () => {
  it('is up to date with results/ (run `npm run readme` if not)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toBe(expectedReadme(ROOT));
  });

  it('counts engine messages without the ones only the trace makes, and names the synapse rate for what it is', () => {
    const bench = JSON.parse(readFileSync(join(ROOT, 'results', 'bench.json'), 'utf8'));
    const table = benchSection(bench);
    const row = table.split('\n').find((l) => l.startsWith('| 784-128-10'))!;
    const recorded = bench.agents.find((a: { net: string }) => a.net === '784-128-10').neuronMessages;
    // The first layer's 128 error messages exist only because the trace recorder is attached.
    expect(row.split(' | ')[4]).toBe(String(recorded - 128));
    expect(table).toContain('synapse updates/s');
    expect(table).not.toContain('synapse events/s');
  });

  it('replaces only between its markers, and says so when they are missing', () => {
    expect(replaceSection('a\n<!-- x:start -->\nold\n<!-- x:end -->\nb', 'x', 'new')).toBe(
      'a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb',
    );
    expect(() => replaceSection('no markers', 'x', 'new')).toThrow(/x:start/);
  });
});
