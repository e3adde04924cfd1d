import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../src/study/run-cell.ts';
import { studentTCdf, studentTQuantile } from '../../src/study/student-t.ts';
import { studyPage } from '../../src/study/study-page.ts';
import { interval, summariseStudy } from '../../src/study/summarise-study.ts';
import { cellId, type CellConfig, type Study } from '../../src/study/study-spec.ts';

describe('Student t', () => {
  it('matches the printed table of t_{0.975, ν}', () => {
    // Two-sided 95 % critical values (e.g. Fisher & Yates' table; R: qt(0.975, ν)).
    const table: [number, number][] = [
      [1, 12.706204736],
      [2, 4.30265273],
      [3, 3.182446305],
      [4, 2.776445105],
      [9, 2.262157163],
      [30, 2.042272456],
    ];
    for (const [ν, t] of table) expect(Math.abs(studentTQuantile(0.975, ν) - t)).toBeLessThan(1e-8);
  });

  it('its CDF has the closed forms of ν = 1 (Cauchy) and ν = 2', () => {
    for (const t of [-3, -0.5, 0, 0.7, 4]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });
});

describe('interval', () => {
  it('mean ± t·s/√n, worked by hand', () => {
    // 0.10, 0.20, 0.30: mean 0.2; s² = (0.01 + 0 + 0.01)/2 = 0.01, s = 0.1;
    // t_{0.975,2} = 4.302652730 → half-width 4.302652730 × 0.1 / √3 = 0.248413771.
    const i = interval([0.1, 0.2, 0.3]);
    expect(i.n).toBe(3);
    expect(i.mean).toBeCloseTo(0.2, 14);
    expect(i.sd).toBeCloseTo(0.1, 14);
    expect(i.ci95!).toBeCloseTo(0.248413771, 8);
    expect(i.low!).toBeCloseTo(0.2 - 0.248413771, 8);
    expect(i.high!).toBeCloseTo(0.2 + 0.248413771, 8);
    // 2, 4, 4, 6 → mean 4, s² = (4+0+0+4)/3 = 8/3; t_{0.975,3} = 3.182446305 → half-width 3.182446305·√(8/3)/2.
    expect(interval([2, 4, 4, 6]).ci95!).toBeCloseTo((3.182446305 * Math.sqrt(8 / 3)) / 2, 8);
  });

  it('one seed has no interval', () => {
    expect(interval([0.5])).toEqual({ n: 1, mean: 0.5, sd: 0, ci95: null, low: null, high: null });
  });
});

describe('summariseStudy', () => {
  const config = (rule: 'backprop' | 'feedback-alignment' | 'direct-feedback-alignment', seed: number): CellConfig => ({
    net: 'n.net.json',
    dataset: 'digits',
    rule: { name: rule },
    engine: 'matrix',
    lr: 0.01,
    epochs: 2,
    batch: 1,
    shuffle: true,
    limit: null,
    testLimit: null,
    testFraction: 0.2,
    momentum: 0,
    weightDecay: 0,
    lrSteps: [],
    lrGamma: 0.1,
    pad: 0,
    seed,
  });
  const result = (c: CellConfig, accuracies: number[], diverged = false): CellResult => {
    const epochs = accuracies.map((a, k) => ({
      epoch: k + 1,
      train: { loss: 1 - a, accuracy: a },
      test: { loss: 2 - a, accuracy: a - 0.1 },
    }));
    const last = epochs[epochs.length - 1]!;
    const final = { train: last.train, test: last.test };
    const status = diverged ? 'diverged' : 'done';
    return { id: cellId(c), config: c, status, trainPatterns: 10, testPatterns: 5, final, epochs };
  };
  const configs = [
    config('backprop', 1),
    config('backprop', 2),
    config('backprop', 3),
    config('feedback-alignment', 1),
    config('feedback-alignment', 2),
    config('direct-feedback-alignment', 1),
    config('direct-feedback-alignment', 2),
    config('direct-feedback-alignment', 3),
  ];
  const cells = configs.map((c) => ({ id: cellId(c), config: c }));
  const study: Study = { name: 's', description: '', path: 's.study.json', cells };
  const results = new Map(
    [
      result(configs[0]!, [0.5, 0.8]),
      result(configs[1]!, [0.6, 0.9]),
      result(configs[2]!, [0.7, 1.0]),
      result(configs[3]!, [0.4, 0.6]),
      result(configs[4]!, [0.3, 0.2], true),
      result(configs[5]!, [0.5, 0.7]),
      result(configs[6]!, [0.5, 0.7]),
      result(configs[7]!, [0.5, 1.0]),
    ].map((r) => [r.id, r]),
  );

  it('groups the seeds of each config and leaves diverged cells out of the statistics', () => {
    const s = summariseStudy(study, results);
    expect(s.groups.map((g) => [g.config.rule.name, g.seeds, g.diverged])).toEqual([
      ['backprop', [1, 2, 3], 0],
      ['feedback-alignment', [1, 2], 1],
      ['direct-feedback-alignment', [1, 2, 3], 0],
    ]);
    const bp = s.groups[0]!;
    // Final test accuracies 0.7, 0.8, 0.9 → errors 0.3, 0.2, 0.1: mean 0.2, s = 0.1, half-width 0.248413771.
    expect(bp.final.test.error!.mean).toBeCloseTo(0.2, 14);
    expect(bp.final.test.error!.ci95!).toBeCloseTo(0.248413771, 8);
    expect(bp.final.train.loss!.mean).toBeCloseTo(0.1, 14);
    // The curve: epoch 1 train accuracies 0.5, 0.6, 0.7 → mean 0.6.
    expect(bp.curves.map((c) => c.epoch)).toEqual([1, 2]);
    expect(bp.curves[0]!.train.accuracy!.mean).toBeCloseTo(0.6, 14);
    const fa = s.groups[1]!;
    expect(fa.final.test.accuracy).toEqual({ n: 1, mean: 0.6 - 0.1, sd: 0, ci95: null, low: null, high: null });
  });

  it('gaps to back-prop are paired by seed, over the seeds both finished', () => {
    const [bp, fa, dfa] = summariseStudy(study, results).groups;
    expect(bp!.gapToBackprop).toBeNull();
    // DFA test errors 0.4, 0.4, 0.1 against back-prop's 0.3, 0.2, 0.1: d = 0.1, 0.2, 0.0 → mean 0.1, s = 0.1,
    // half-width t_{0.975,2}·0.1/√3 = 0.248413771.
    expect(dfa!.gapToBackprop!.group).toBe(bp!.group);
    expect(dfa!.gapToBackprop!.on).toBe('test');
    expect(dfa!.gapToBackprop!.error!.n).toBe(3);
    expect(dfa!.gapToBackprop!.error!.mean).toBeCloseTo(0.1, 14);
    expect(dfa!.gapToBackprop!.error!.ci95!).toBeCloseTo(0.248413771, 8);
    // FA seed 2 diverged: only seed 1 pairs, 0.5 − 0.3 = 0.2, and one pair has no interval.
    expect(fa!.gapToBackprop!.error).toMatchObject({ n: 1, ci95: null });
    expect(fa!.gapToBackprop!.error!.mean).toBeCloseTo(0.2, 14);
  });

  it('the study page has a row per group with the error and the gap as mean ± 95 % interval, in %', async () => {
    const html = await studyPage(summariseStudy(study, results), 'a test study');
    // Back-prop: errors 0.3, 0.2, 0.1 → 20.00 ± 24.84; DFA: gap +10.00 ± 24.84 (see above); FA: one pair, +20.00.
    expect(html).toContain('<tr><td>backprop</td><td>3</td><td>20.00 ± 24.84</td>');
    const cells = '<td>[^<]+</td><td>[^<]+</td>';
    const dfa = `<tr><td>direct-feedback-alignment</td><td>3</td>${cells}`;
    expect(html).toMatch(new RegExp(`${dfa}<td>\\+10\\.00 ± 24\\.84</td></tr>`));
    const fa =
      '<tr><td>feedback-alignment</td><td>1 \\(\\+1 diverged\\)</td>' + '<td>50\\.00 \\(n = 1\\)</td><td>[^<]+</td>';
    expect(html).toMatch(new RegExp(`${fa}<td>\\+20\\.00 \\(n = 1\\)</td></tr>`));
    expect(html).toContain('<svg');
    expect(html).not.toContain('Beside the published figures');
  });

  it('with published figures the page sets them beside ours, with both gaps and the sentence', async () => {
    const published = {
      source: 'https://example.org/t',
      note: 'Their budget.',
      errors: { backprop: 9, 'direct-feedback-alignment': 12 },
    };
    const html = await studyPage(summariseStudy({ ...study, published }, results), 'a test study');
    expect(html).toContain('<h2>Beside the published figures</h2>');
    expect(html).toContain('<a href="https://example.org/t">');
    // DFA: errors 0.4, 0.4, 0.1 → 30.00 %; published 12 − 9 = +3.00 points against our +10.00 ± 24.84.
    expect(html).toMatch(
      /<tr><td>direct-feedback-alignment<\/td><td>30\.00 ± [\d.]+<\/td><td>12\.00<\/td><td>\+10\.00 ± 24\.84<\/td><td>\+3\.00<\/td><td>within noise<\/td><td>larger<\/td><\/tr>/,
    );
    expect(html).toContain('our interval holds 0 for direct-feedback-alignment (+10.00 ± 24.84 against +3.00 points)');
  });
});
