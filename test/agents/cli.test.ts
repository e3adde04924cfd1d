/**
 * The CLI runs the agents engine: `grad --rule R` (every rule) and `train --engine agents` print what the matrix engine
 * prints.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { initParams, paramsToJSON } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { runCli } from '../helpers/run-cli.ts';
import { close } from './compare.ts';

const dir = mkdtempSync(join(tmpdir(), 'localprop-agents-'));

/** Every number in two JSON values agrees to 1e-12; the structure is the same. */
function expectJsonClose(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number') {
    expect(typeof b, path).toBe('number');
    expect(close(a, b as number), `${path}: ${a} vs ${b}`).toBe(true);
  } else if (Array.isArray(a)) {
    expect(Array.isArray(b) && b.length === a.length, path).toBe(true);
    a.forEach((v, k) => {
      expectJsonClose(v, (b as unknown[])[k], `${path}[${k}]`);
    });
  } else if (a !== null && typeof a === 'object') {
    expect(Object.keys(b as object).sort(), path).toEqual(Object.keys(a).sort());
    for (const [k, v] of Object.entries(a)) expectJsonClose(v, (b as Record<string, unknown>)[k], `${path}.${k}`);
  } else expect(b, path).toBe(a);
}

describe('localprop with --engine agents', () => {
  const netJson = {
    input: [1, 6, 6],
    layers: [
      { type: 'conv', filters: 2, kernel: 3, stride: 2, padding: 1, activation: 'softplus' },
      { type: 'dense', units: 4, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
      { type: 'dense', units: 3, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  };
  const spec = parseNetSpec(netJson);
  const random = createRandom('cli');
  writeFileSync(join(dir, 'net.json'), JSON.stringify(netJson));
  writeFileSync(join(dir, 'params.json'), JSON.stringify(paramsToJSON(spec, initParams(spec, random))));
  const inputs = Array.from({ length: 3 }, () => Array.from({ length: 36 }, () => random.uniform()));
  writeFileSync(
    join(dir, 'data.json'),
    JSON.stringify({
      inputs,
      targets: [
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ],
    }),
  );
  const grad = [
    'grad',
    '--net',
    join(dir, 'net.json'),
    '--params',
    join(dir, 'params.json'),
    '--data',
    join(dir, 'data.json'),
  ];

  const rules: string[][] = [
    ['backprop'],
    ['feedback-alignment'],
    ['direct-feedback-alignment'],
    ['merged', '--beta', '0.05'],
    ['merged', '--beta', '0.2', '--symmetric'],
    ['predictive-coding', '--steps', '4', '--gamma', '0.2'],
    ['predictive-coding', '--zil'],
  ];
  for (const [rule, ...options] of rules) {
    it(`grad --rule ${[rule, ...options].join(' ')} prints the matrix engine's loss, outputs and update \
(conv + dense net, softmax-CE)`, async () => {
      const args = [...grad, '--rule', rule!, ...options];
      const matrix = await runCli([...args, '--engine', 'matrix']);
      const agents = await runCli([...args, '--engine', 'agents']);
      expect(agents.code, agents.stderr).toBe(0);
      expect(matrix.code, matrix.stderr).toBe(0);
      expectJsonClose(JSON.parse(matrix.stdout), JSON.parse(agents.stdout));
    });
  }

  it('train on digits prints the same epochs and writes params equal to 1e-12', async () => {
    const args = (engine: string) => [
      'train',
      '--net',
      'nets/digits-64-32-10.net.json',
      '--dataset',
      'digits',
      '--epochs',
      '2',
      '--lr',
      '0.02',
      '--seed',
      '3',
      '--engine',
      engine,
      '--out',
      join(dir, `${engine}.params.json`),
    ];
    const matrix = await runCli(args('matrix'));
    const agents = await runCli(args('agents'));
    expect(agents.code, agents.stderr).toBe(0);
    expect(agents.stderr).toBe(matrix.stderr);
    expect(agents.stderr.trim().split('\n')).toHaveLength(2);
    const read = (engine: string): unknown => JSON.parse(readFileSync(join(dir, `${engine}.params.json`), 'utf8'));
    expectJsonClose(read('matrix'), read('agents'));
  });

  it('train --timing scheduled: the same epochs and params bit for bit; the delays in the summary', async () => {
    const base = ['train', '--net', 'nets/digits-64-32-10.net.json', '--dataset', 'digits'];
    base.push('--epochs', '1', '--limit', '200', '--seed', '4', '--engine', 'agents');
    const sync = await runCli([...base, '--out', join(dir, 'sync.params.json')]);
    const jitter = ['--timing', 'scheduled', '--delay-jitter', '1..3'];
    const scheduled = await runCli([...base, ...jitter, '--out', join(dir, 'scheduled.params.json')]);
    expect(scheduled.code, scheduled.stderr).toBe(0);
    expect(scheduled.stderr).toBe(sync.stderr);
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
    expect(read('scheduled.params.json')).toBe(read('sync.params.json'));
    const summary = JSON.parse(scheduled.stdout);
    expect(summary.timing).toBe('scheduled');
    expect(summary.delays).toMatchObject({ setting: '1..3', min: 1, max: 3 });
    expect(summary.delays.connections).toBeGreaterThan(42);
    expect(JSON.parse(sync.stdout).delays).toBeUndefined();
  });

  it('bad timing flags exit 2 with one line, and --help documents every timing flag', async () => {
    const bad: [string[], RegExp][] = [
      [['--timing', 'scheduled', '--delay', '-1'], /--delay.*expected a whole number of ticks ≥ 0, got "-1"/],
      [['--timing', 'scheduled', '--delay', '1.5'], /expected a whole number of ticks/],
      [['--timing', 'scheduled', '--delay-jitter', '3..1'], /--delay-jitter.*A ≤ B, got "3..1"/],
      [['--timing', 'scheduled', '--delay-jitter', '-1..2'], /--delay-jitter.*expected A..B/],
      [['--timing', 'later'], /--timing.*expected one of synchronous, scheduled/],
      [['--delay', '2'], /--delay and --delay-jitter apply to --timing scheduled/],
      [['--timing', 'scheduled', '--delay', '2', '--delay-jitter', '1..2'], /exclude each other/],
    ];
    for (const [flags, message] of bad) {
      const result = await runCli([...grad, '--engine', 'agents', ...flags]);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n'), flags.join(' ')).toHaveLength(1);
      expect(result.stderr, flags.join(' ')).toMatch(message);
    }
    const matrix = await runCli([...grad, '--timing', 'scheduled']);
    expect(matrix.code).toBe(2);
    expect(matrix.stderr).toMatch(/--timing scheduled applies to --engine agents, not matrix/);
    for (const command of ['train', 'grad']) {
      const help = await runCli([command, '--help']);
      for (const flag of ['--timing <mode>', '--delay <D>', '--delay-jitter <A..B>']) {
        expect(help.stdout, `${command} --help`).toContain(flag);
      }
    }
  });

  it('train --present-every: the summary names P, the weights and the delays; bad values exit 2 with one line', async () => {
    const base = ['train', '--net', 'nets/digits-64-32-10.net.json', '--dataset', 'digits'];
    base.push('--epochs', '1', '--limit', '60', '--seed', '4', '--engine', 'agents');
    const ok = await runCli([...base, '--timing', 'scheduled', '--present-every', '2', '--weights', 'stash']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ timing: 'scheduled', presentEvery: 2, weights: 'stash' });
    const bad: [string[], RegExp][] = [
      [['--timing', 'scheduled', '--present-every', '0'], /--present-every.*whole number of ticks ≥ 1, got "0"/],
      [['--timing', 'scheduled', '--present-every', '-2'], /--present-every.*whole number of ticks ≥ 1, got "-2"/],
      [['--timing', 'scheduled', '--present-every', '1.5'], /--present-every.*got "1.5"/],
      [['--present-every', '2'], /--present-every applies to --timing scheduled/],
      [['--timing', 'scheduled', '--weights', 'stash'], /--weights applies to --present-every/],
      [['--timing', 'scheduled', '--present-every', '2', '--weights', 'fresh'], /--weights.*stale, stash/],
      [['--timing', 'scheduled', '--present-every', '2', '--batch', '4'], /--batch 1, not 4/],
      [
        ['--timing', 'scheduled', '--present-every', '2', '--rule', 'merged'],
        /backprop, feedback-alignment or direct-feedback-alignment, not merged/,
      ],
    ];
    for (const [flags, message] of bad) {
      const result = await runCli([...base, ...flags]);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n'), flags.join(' ')).toHaveLength(1);
      expect(result.stderr, flags.join(' ')).toMatch(message);
    }
    const help = await runCli(['train', '--help']);
    for (const flag of ['--present-every <P>', '--weights <version>']) expect(help.stdout).toContain(flag);
  });

  it('a rule option that cannot run is bad input in both engines: exit 2, the same one line', async () => {
    const args = (engine: string) => [
      ...grad,
      '--engine',
      engine,
      '--rule',
      'predictive-coding',
      '--zil',
      '--steps',
      '1',
    ];
    const matrix = await runCli(args('matrix'));
    const agents = await runCli(args('agents'));
    expect(agents.code).toBe(2);
    expect(agents.stdout).toBe('');
    expect(agents.stderr).toMatch(/--zil needs 2 inference steps/);
    expect(agents.stderr.trim().split('\n')).toHaveLength(1);
    expect(agents.stderr).toBe(matrix.stderr);
  });
});
