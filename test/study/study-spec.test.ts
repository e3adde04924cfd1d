import { describe, expect, it } from 'vitest';
import { cellId, groupId, parseStudy, type CellConfig } from '../../src/study/study-spec.ts';
import { inputErrorMessage } from '../helpers/input-error.ts';
import { root } from './fixtures.ts';
import { join, resolve } from 'node:path';

const path = join(root, 'x.study.json');
const net = resolve('nets/digits-64-32-10.net.json');
const study = (grid: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  parseStudy({ name: 'x', grid: { net, dataset: 'digits', ...grid }, ...top }, path);

describe('study files', () => {
  it('cells are the cross product, seeds varying fastest, each with a distinct id', () => {
    const s = study({ rule: ['backprop', 'feedback-alignment'], lr: [0.01, 0.1], seed: [1, 2, 3] });
    expect(s.cells).toHaveLength(12);
    expect(s.cells.slice(0, 3).map((c) => [c.config.rule.name, c.config.lr, c.config.seed])).toEqual([
      ['backprop', 0.01, 1],
      ['backprop', 0.01, 2],
      ['backprop', 0.01, 3],
    ]);
    expect(new Set(s.cells.map((c) => c.id)).size).toBe(12);
  });

  it('β applies to the rules that take it; the other rules get one cell, not one per β', () => {
    const s = study({ rule: ['backprop', { name: 'merged', symmetric: true }], beta: [0.01, 0.1], seed: 1 });
    expect(s.cells.map((c) => c.config.rule)).toEqual([
      { name: 'backprop' },
      { name: 'merged', beta: 0.01, symmetric: true },
      { name: 'merged', beta: 0.1, symmetric: true },
    ]);
  });

  it("usf's scaled rides in the rule with its own η, and scaled usf is a cell apart from unit usf", () => {
    const s = study({ rule: ['usf', { name: 'usf', scaled: true, lr: 0.01 }], seed: 1 });
    expect(s.cells.map((c) => c.config.rule)).toEqual([{ name: 'usf' }, { name: 'usf', scaled: true, lr: 0.01 }]);
    expect(s.cells[0]!.id).not.toBe(s.cells[1]!.id);
  });

  it('an id depends on the config only, and not on axes left at their defaults', () => {
    const a = study({ rule: 'backprop', seed: 7 }).cells[0]!;
    const b = study({ rule: 'backprop', seed: 7, batch: 1, engine: 'matrix', testFraction: 0.2 }).cells[0]!;
    const c = study({ rule: 'backprop', seed: 7, batch: 2 }).cells[0]!;
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(a.id).toMatch(/^backprop-s7-[0-9a-f]{12}$/);
    // A group is the cells that differ only in the seed.
    const seed8: CellConfig = { ...a.config, seed: 8 };
    expect(groupId(seed8)).toBe(groupId(a.config));
    expect(cellId(seed8)).not.toBe(a.id);
  });

  it('the id of a fixed config is fixed (finished cells survive new versions)', () => {
    const config: CellConfig = {
      net: 'n.net.json',
      dataset: 'digits',
      rule: { name: 'backprop' },
      engine: 'matrix',
      lr: 0.01,
      epochs: 10,
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
      seed: 1,
    };
    // The first 12 hex digits of
    //   printf '%s' '{"net":"n.net.json","dataset":"digits","rule":{"name":"backprop"},"seed":1}' | sha256sum
    expect(cellId(config)).toBe('backprop-s1-55d5c5a1d8d3');
  });

  const bad: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    [
      'an unknown top-level field',
      { rule: 'backprop', seed: 1 },
      { budget: 3 },
      /x\.study\.json: unknown field "budget"/,
    ],
    ['an unknown axis', { rule: 'backprop', seed: 1, nesterov: true }, {}, /x\.study\.json: grid\.nesterov: unknown/],
    ['an unknown rule', { rule: ['backprop', 'hebb'], seed: 1 }, {}, /grid\.rule\[1\]\.name: expected one of .*"hebb"/],
    [
      'an option the rule does not take',
      { rule: { name: 'backprop', beta: 0.1 }, seed: 1 },
      {},
      /grid\.rule\.beta: unknown option for rule backprop/,
    ],
    [
      'a usf scaled that is not true or false',
      { rule: { name: 'usf', scaled: 'yes', lr: 0.01 }, seed: 1 },
      {},
      /grid\.rule\.scaled: expected true or false, got "yes"/,
    ],
    ['a missing required axis', { rule: 'backprop' }, {}, /grid\.seed: missing/],
    [
      'a bad value',
      { rule: 'backprop', seed: 1, lr: [0.1, -1] },
      {},
      /grid\.lr\[1\]: expected a positive number, got -1/,
    ],
    ['an empty list', { rule: [], seed: 1 }, {}, /grid\.rule: an empty list/],
    [
      'a momentum of 1',
      { rule: 'backprop', seed: 1, momentum: 1 },
      {},
      /grid\.momentum: expected a number in \[0, 1\)/,
    ],
    ['a negative weight decay', { rule: 'backprop', seed: 1, weightDecay: -0.1 }, {}, /grid\.weightDecay: expected/],
    [
      'steps not increasing',
      { rule: 'backprop', seed: 1, lrSteps: [75, 50] },
      {},
      /grid\.lrSteps: expected increasing/,
    ],
    ['a γ of 0', { rule: 'backprop', seed: 1, lrGamma: 0 }, {}, /grid\.lrGamma: expected a positive number/],
    ['a bad full budget', { rule: 'backprop', seed: 1 }, { full: { epochs: 0 } }, /grid\.epochs: expected a positive/],
    ['an unknown axis in full', { rule: 'backprop', seed: 1 }, { full: { epoch: 100 } }, /full\.epoch: unknown axis/],
    ['a missing net file', { rule: 'backprop', seed: 1, net: 'nope.net.json' }, {}, /nope\.net\.json: no such file/],
  ];
  it('training options: lrSteps is one value as [50, 75], a list of them as [[50, 75], [30]]', () => {
    const one = study({ rule: 'backprop', seed: 1, momentum: 0.9, weightDecay: 0.001, lrSteps: [50, 75], pad: 0 });
    expect(one.cells).toHaveLength(1);
    expect(one.cells[0]!.config).toMatchObject({ momentum: 0.9, weightDecay: 0.001, lrSteps: [50, 75], lrGamma: 0.1 });
    expect(study({ rule: 'backprop', seed: 1, lrSteps: [[50, 75], [30]] }).cells.map((c) => c.config.lrSteps)).toEqual([
      [50, 75],
      [30],
    ]);
  });

  it("a rule's own lr stays with the rule (its cells train with it in place of the lr axis)", () => {
    const s = study({ rule: ['backprop', { name: 'usf', lr: 0.001 }], lr: [0.05, 0.1], seed: 1 });
    expect(s.cells.map((c) => [c.config.rule, c.config.lr])).toEqual([
      [{ name: 'backprop' }, 0.05],
      [{ name: 'backprop' }, 0.1],
      [{ name: 'usf', lr: 0.001 }, 0.05],
      [{ name: 'usf', lr: 0.001 }, 0.1],
    ]);
  });

  it('--full takes the "full" budget in place of the grid\'s axes, under the name <name>-full', () => {
    const top = { full: { epochs: 100, limit: null } };
    const small = study({ rule: 'backprop', seed: 1, epochs: 2, limit: 300 }, top);
    const full = parseStudy(
      { name: 'x', grid: { net, dataset: 'digits', rule: 'backprop', seed: 1, epochs: 2, limit: 300 }, ...top },
      path,
      {
        full: true,
      },
    );
    expect([small.name, small.cells[0]!.config.epochs, small.cells[0]!.config.limit]).toEqual(['x', 2, 300]);
    expect([full.name, full.cells[0]!.config.epochs, full.cells[0]!.config.limit]).toEqual(['x-full', 100, null]);
    expect(
      inputErrorMessage(() =>
        parseStudy({ name: 'x', grid: { net, dataset: 'digits', rule: 'backprop', seed: 1 } }, path, { full: true }),
      ),
    ).toMatch(/--full: the study gives no "full" budget/);
  });

  for (const [what, grid, top, message] of bad) {
    it(`refuses ${what}, naming the file and the field`, () => {
      expect(inputErrorMessage(() => study(grid, top))).toMatch(message);
    });
  }
});
