/**
 * The README's measured sections are what the results say (bench/readme.ts writes them), and the
 * targets are computed from the figures (bench/targets.ts): checked on a fixture bench.json whose
 * ratios are worked out by hand below, some met and some not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchSection, expectedReadme, replaceSection } from '../../bench/readme.ts';
import type { BenchJson } from '../../bench/results.ts';
import { computeTargets } from '../../bench/targets.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const fixture = (): BenchJson => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'bench.json'), 'utf8'));

describe('the targets, from the figures', () => {
  it('are the ratios of samples/s, met or not against their thresholds', () => {
    const targets = computeTargets(fixture().nets);
    const byGoal = (start: string) => {
      const t = targets.find((g) => g.goal.startsWith(start));
      if (!t) throw new Error(`no target "${start}" in ${targets.map((g) => g.goal).join('; ')}`);
      return t;
    };
    // matrix 3 000, tfjs-wasm 2 500 samples/s at batch 32, H = 128.
    expect(byGoal('batch 32, H = 128: matrix ÷ tfjs-wasm ≥ 1.5')).toMatchObject({ value: 1.2, met: false });
    expect(byGoal('batch 32, H = 512: matrix ÷ tfjs-wasm ≥ 1.5')).toMatchObject({ value: 2.5, met: true });
    // PyTorch float64, the faster of 1 thread (2 700) and 2 threads (3 200), reference BLAS: bar 1.
    expect(byGoal('batch 32, H = 128: matrix ÷ PyTorch float64')).toMatchObject({
      value: 3000 / 3200,
      threshold: 1,
      met: false,
    });
    expect(byGoal('batch 32, H = 128: matrix ÷ PyTorch float64').goal).toContain('reference BLAS');
    expect(byGoal('H = 512: matrix samples/s at batch 32 ÷ at batch 1 ≥ 2')).toMatchObject({
      value: 2.5,
      met: true,
    });
    expect(byGoal('batch 1, H = 512: matrix ÷ PyTorch float64')).toMatchObject({ value: 2, met: false });
    expect(byGoal('batch 1, H = 128: matrix ÷ tfjs-wasm ≥ 8')).toMatchObject({ value: 10, met: true });
    // The agents engine's slowdown is a ceiling: 4 000 / 2 500 = 1.6 ≤ 2; 3 000 / 900 > 3.
    expect(byGoal('batch 1, H = 128: agents')).toMatchObject({ value: 1.6, atMost: true, met: true });
    expect(byGoal('batch 32, H = 128: agents')).toMatchObject({ value: 3000 / 900, met: false });
    // One thread's arithmetic at H = 512: matrix-1t does 1 000 and 1 500 samples/s at batch 1 and 32, each sample
    // 2·512·784·2 + 2·10·512·3 = 1 636 352 flops.
    expect(byGoal('H = 512, matrix engine on 1 thread, batch 1:')).toMatchObject({ unit: 'GFLOP/s', met: null });
    expect(byGoal('H = 512, matrix engine on 1 thread, batch 1:').value).toBeCloseTo(1.636352, 12);
    expect(byGoal('H = 512, matrix engine on 1 thread, batch 32:').value).toBeCloseTo(1.5 * 1.636352, 12);
    // The conv net's ratios are reported, with no bar.
    expect(byGoal('lenet-32, batch 64: matrix ÷ tfjs-wasm')).toMatchObject({ value: 0.5, threshold: null, met: null });
  });

  it('hold PyTorch with an optimised BLAS to the bar of the machine instead', () => {
    const bench = fixture();
    for (const net of bench.nets)
      for (const r of net.results)
        if (r.details?.['blas']) r.details['blas'] = ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3'];
    const targets = computeTargets(bench.nets);
    const at512 = targets.find((t) => t.goal.startsWith('batch 32, H = 512: matrix ÷ PyTorch float64'))!;
    expect(at512).toMatchObject({ value: 2500 / 1600, threshold: 0.25, met: true });
    expect(at512.goal).toContain('OpenBLAS');
    const at128 = targets.find((t) => t.goal.startsWith('batch 32, H = 128: matrix ÷ PyTorch float64'))!;
    expect(at128).toMatchObject({ threshold: null, met: null });
  });

  it('are not measured when a contender is missing', () => {
    const bench = fixture();
    bench.nets = bench.nets.filter((n) => n.name !== '784-512-10');
    const t = computeTargets(bench.nets).find((g) => g.goal.startsWith('batch 32, H = 512: matrix ÷ tfjs-wasm'))!;
    expect(t).toMatchObject({ value: null, met: null });
  });
});

describe('README from the results', () => {
  it('is up to date with results/ (run `npm run readme` if not)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toBe(expectedReadme(ROOT));
  });

  it('states the machine and the date, every figure, the cases not timed, and each target with its verdict', () => {
    const bench = fixture();
    bench.targets = computeTargets(bench.nets);
    const lines = benchSection(bench).split('\n');
    expect(lines[0]).toBe(
      'Measured with `npm run bench` on 2026-11-29 (10 min): Test CPU 9000, 2 cores, 23.5 GiB, Node v20.20.2, ' +
        'PyTorch 2.6.0; BLAS found by PyTorch: reference BLAS (`/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0`); ' +
        'load average 0.5 at the start, 1.5 at the end.',
    );
    expect(lines).toContain(
      '| contender | H = 128, batch 1 | H = 128, batch 32 | H = 512, batch 1 | H = 512, batch 32 |',
    );
    expect(lines).toContain('| localprop matrix (2 threads) | 4,000 (1×) | 3,000 (1×) | 1,000 (1×) | 2,500 (1×) |');
    expect(lines).toContain('| tfjs wasm | 400 (0.1×) | 2,500 (0.833×) | 100 (0.1×) | 1,000 (0.4×) |');
    expect(lines).toContain('| synaptic (optimised) | 25 (0.00625×) | — | failed check | — |');
    expect(lines).toContain('| PyTorch float32 (2 threads) | 1,200 (4×) |');
    expect(lines).toContain(
      '- 784-512-10, synaptic (optimised), batch 1: failed check ' +
        '(the loss did not fall (7.12 before, 7.5 after one pass))',
    );
    expect(lines).toContain('- lenet-32, tfjs cpu, batch 64: missing (tfjs backend "cpu" failed to initialise)');
    expect(lines).toContain(
      '- 784-128-10, synaptic (optimised), batch 1: η = 0.001 (at η = 0.01: the loss is not finite ' +
        '(7.12 before, Infinity after one pass); at η = 0.001: mean loss 7.1200 → 3.0400)',
    );
    expect(lines).toContain('| batch 32, H = 128: matrix ÷ tfjs-wasm ≥ 1.5 | 1.2× | **not met** |');
    expect(lines).toContain('| batch 32, H = 512: matrix ÷ tfjs-wasm ≥ 1.5 | 2.5× | met |');
    expect(lines).toContain('| lenet-32, batch 64: matrix ÷ tfjs-wasm (to report) | 0.5× | reported |');
    expect(lines).toContain(
      '| H = 512, matrix engine on 1 thread, batch 1: GFLOP/s (to report) | 1.64 GFLOP/s | reported |',
    );
    // 1.5× the rate per thread at batch 32 (1 500 against 1 000 samples/s): batched by that much.
    expect(
      lines.find((l) => l.startsWith('One thread of the matrix engine computes 1.64 GFLOP/s at batch 1 and 2.45')),
    ).toContain('batch 32 is 1.5× faster per thread.');
    bench.targets.find((t) => t.goal.includes('1 thread, batch 32'))!.value = 1.7;
    expect(benchSection(bench)).toContain('1.64 GFLOP/s at batch 1 and 1.7 at batch 32 (H = 512;');
    expect(benchSection(bench)).toContain('about the same rate');
  });

  it('counts engine messages without the ones only the trace makes, and names the synapse rate for what it is', () => {
    const bench = fixture();
    const table = benchSection(bench);
    const row = table.split('\n').find((l) => l.startsWith('| 784-128-10'))!;
    const recorded = bench.agents!.find((a) => a.net === '784-128-10')!.neuronMessages;
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
