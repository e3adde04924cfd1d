/** --dynamics leaky on the command line: bad values are bad input (exit 2, one line, nothing written); grad runs. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const NET = 'nets/digits-64-32-10.net.json';
const dir = mkdtempSync(join(tmpdir(), 'localprop-dynamics-'));

describe('--dynamics leaky flags', () => {
  it.each([
    [['--rule', 'backprop', '--engine', 'agents', '--dynamics', 'leaky'], /supports --rule merged only/],
    [['--rule', 'predictive-coding', '--engine', 'agents', '--dynamics', 'leaky'], /supports --rule merged only/],
    [['--rule', 'merged', '--dynamics', 'leaky'], /needs --engine agents/],
    [
      ['--rule', 'merged', '--engine', 'agents', '--dynamics', 'leaky', '--tau', '0'],
      /--tau .*expected a positive number/,
    ],
    [
      ['--rule', 'merged', '--engine', 'agents', '--dynamics', 'leaky', '--tau', '-2'],
      /--tau .*expected a positive number/,
    ],
    [
      ['--rule', 'merged', '--engine', 'agents', '--dynamics', 'leaky', '--tau', '1', '--dt', '1'],
      /--dt 1 must be less than --tau 1/,
    ],
    [
      ['--rule', 'merged', '--engine', 'agents', '--dynamics', 'leaky', '--tau', '0.5', '--dt', '0.7'],
      /--dt 0.7 must be less than --tau 0.5/,
    ],
    [
      ['--rule', 'merged', '--engine', 'agents', '--dynamics', 'leaky', '--dt', '0.1', '--phase', '0.05'],
      /--phase 0.05 is shorter than one step/,
    ],
    [['--rule', 'merged', '--engine', 'agents', '--tau', '2'], /--tau applies to --dynamics leaky only/],
    [['--rule', 'merged', '--engine', 'agents', '--dynamics', 'euler'], /--dynamics .*expected one of discrete, leaky/],
  ])('train %j exits 2 with one line and writes nothing', async (flags, message) => {
    const out = join(dir, `out-${flags.join('_')}.json`);
    const r = await runCli([
      'train',
      '--net',
      NET,
      '--dataset',
      'digits',
      '--epochs',
      '1',
      '--limit',
      '5',
      '--out',
      out,
      ...flags,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('grad with --dynamics leaky runs, and differs from the discrete merged rule only by the transient', async () => {
    const net = join(dir, 'net.json');
    const params = join(dir, 'params.json');
    const data = join(dir, 'data.json');
    writeFileSync(
      net,
      JSON.stringify({
        input: [2],
        layers: [
          { type: 'dense', units: 3, activation: 'tanh' },
          { type: 'dense', units: 2, activation: 'identity' },
        ],
        loss: 'mse',
      }),
    );
    writeFileSync(
      params,
      JSON.stringify({
        layers: [
          {
            weights: [
              [0.5, -0.3],
              [0.2, 0.8],
              [-0.6, 0.1],
            ],
            bias: [0.1, -0.2, 0.05],
          },
          {
            weights: [
              [0.7, -0.4, 0.3],
              [-0.2, 0.5, 0.9],
            ],
            bias: [0.0, 0.1],
          },
        ],
      }),
    );
    writeFileSync(data, JSON.stringify({ inputs: [[0.3, -0.9]], targets: [[1, -1]] }));
    const base = ['grad', '--net', net, '--params', params, '--data', data, '--rule', 'merged', '--engine', 'agents'];
    const discrete = JSON.parse((await runCli(base)).stdout);
    const long = JSON.parse(
      (await runCli([...base, '--dynamics', 'leaky', '--tau', '2', '--dt', '0.5', '--phase', '60'])).stdout,
    );
    const short = JSON.parse(
      (await runCli([...base, '--dynamics', 'leaky', '--tau', '2', '--dt', '0.5', '--phase', '2'])).stdout,
    );
    const flat = (g: { gradients: { layers: { weights: number[][]; bias: number[] }[] } }): number[] =>
      g.gradients.layers.flatMap((l) => [...l.weights.flat(), ...l.bias]);
    const gap = (a: number[], b: number[]): number => Math.max(...a.map((v, k) => Math.abs(v - b[k]!)));
    expect(long.loss).toBeCloseTo(discrete.loss, 10);
    expect(gap(flat(long), flat(discrete))).toBeLessThan(1e-8);
    expect(gap(flat(short), flat(discrete))).toBeGreaterThan(1e-3);
  });
});
