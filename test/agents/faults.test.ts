/**
 * No swallowed errors (README, The agents engine): an exception in any agent unwinds the pattern at once,
 * as an AgentError that names the agent; learn() returns nothing, and the engine refuses to go on.
 * The CLI exits 1 with one line naming the agent, and writes nothing. A throwing agent is injected by
 * replacing one neuron's local update (after the output layer has already learned: the old circuit
 * returned a normal loss there and rethrew the exception later from a timer).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentError, Neuron, type Timing } from '../../src/agents/index.ts';
import { createRandom } from '../../src/core/random.ts';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import type { RuleOptions } from '../../src/rules/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const spec = parseNetSpec({
  input: [3],
  layers: [
    { type: 'dense', units: 5, activation: 'tanh' },
    { type: 'dense', units: 4, activation: 'relu' },
    { type: 'dense', units: 2, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});

type Method = 'learnLocally' | 'integrate';

/** Make neuron (layer, index)'s `method` throw "boom" from its `after`-th call on; the others run as before. */
function inject(method: Method, layer: number, index: number, after = 1): void {
  const prototype = Neuron.prototype as unknown as Record<Method, (this: Neuron, ...args: unknown[]) => unknown>;
  const original = prototype[method];
  let calls = 0;
  vi.spyOn(prototype, method).mockImplementation(function (this: Neuron, ...args: unknown[]) {
    if (this.layer === layer && this.index === index && ++calls >= after) throw new Error('boom');
    return original.apply(this, args);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

const RULES: RuleOptions[] = [
  { rule: 'backprop' },
  { rule: 'feedback-alignment' },
  { rule: 'direct-feedback-alignment' },
  { rule: 'merged', symmetric: true },
  { rule: 'predictive-coding', steps: 4 },
];

const TIMINGS: [string, Timing][] = [
  ['synchronous', { mode: 'synchronous' }],
  ['scheduled', { mode: 'scheduled', delay: 1, jitter: [0, 3], random: createRandom('faults/delays') }],
];
const CASES = RULES.flatMap((rule) => TIMINGS.map(([timing, t]) => ({ ...rule, timing, t })));

describe.each(CASES)('a throwing agent ($rule, $timing)', ({ timing: _, t: timing, ...rule }) => {
  const x = Float64Array.of(0.3, -0.2, 0.9);
  const t = [0, 1];

  it('a hidden neuron that throws in its local update: learn() throws naming it, and the engine stops', () => {
    const engine = new AgentsEngine(spec, initParams(spec, createRandom('faults')), rule as RuleOptions, {}, timing);
    engine.learn(x, t);
    engine.step(0.1);
    inject('learnLocally', 1, 2);
    let thrown: unknown = null;
    try {
      engine.learn(x, t);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AgentError);
    expect((thrown as AgentError).agent).toBe('neuron (layer 1, neuron 2)');
    expect((thrown as AgentError).message).toBe('neuron (layer 1, neuron 2): boom');
    vi.restoreAllMocks();
    // The circuit stopped half-way through a pattern: every later call is refused.
    expect(() => engine.learn(x, t)).toThrow(/stopped after a fault in neuron \(layer 1, neuron 2\): boom/);
    expect(() => engine.evaluate(x, t)).toThrow(/stopped after a fault/);
  });

  it('an output neuron that throws in its forward pass', () => {
    const engine = new AgentsEngine(spec, initParams(spec, createRandom('faults')), rule as RuleOptions, {}, timing);
    inject('integrate', 2, 1);
    const expected = new AgentError('neuron (layer 2, neuron 1)', new Error('boom'));
    expect(() => engine.evaluate(x, t)).toThrow(expected.message);
  });
});

describe('the CLI on a throwing agent', () => {
  it('train --engine agents: exit 1, one line naming the agent and the message, nothing written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'localprop-faults-')), 'trained.params.json');
    inject('learnLocally', 0, 7, 50); // on the 50th pattern, mid-epoch
    const args = ['train', '--net', 'nets/digits-64-32-10.net.json', '--dataset', 'digits', '--epochs', '1'];
    const result = await runCli([...args, '--seed', '1', '--engine', 'agents', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('localprop: agents engine: neuron (layer 0, neuron 7): boom\n');
    expect(existsSync(out)).toBe(false);
  });
});
