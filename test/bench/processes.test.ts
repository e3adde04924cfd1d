/**
 * Contenders in processes of their own (protocol.ts): a JavaScript contender and PyTorch read the
 * same net, weights and data from the bench's files, pass the loss check with the same numbers as
 * the matrix engine in this process (float64: to 1e-12 for the JavaScript child and 1e-10 for
 * PyTorch; float32 to 1e-5), and answer timed repetitions.
 * PyTorch's cases are skipped, with the reason, where `python3 -c "import torch"` fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBenchFiles } from '../../bench/bench-files.ts';
import type { BenchSetup } from '../../bench/contender.ts';
import { matrixContender } from '../../bench/localprop-contenders.ts';
import { checkLoss, type LossCheck } from '../../bench/loss-check.ts';
import { ContenderProcess, nodeRuntime, pythonRuntime } from '../../bench/process-contender.ts';
import type { ContenderJob } from '../../bench/protocol.ts';
import { findPyTorch } from '../../bench/pytorch-contender.ts';
import { convSpec, denseSpec, tinySetup } from './tiny-nets.ts';

const dir = mkdtempSync(join(tmpdir(), 'localprop-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const torch = findPyTorch();

async function inProcess(setup: BenchSetup, B: number): Promise<LossCheck> {
  return checkLoss(await matrixContender.create(setup, B), B, 32);
}

function job(
  setup: BenchSetup,
  name: string,
  contender: string,
  B: number,
  dtype?: 'float32' | 'float64',
): ContenderJob {
  return {
    contender,
    files: writeBenchFiles(setup, dir, name),
    batches: [B],
    threads: 1,
    ...(dtype ? { dtype } : {}),
    checkPatterns: 32,
    budget: { warmupSeconds: 0.05, repSeconds: 0.02, reps: 1 },
  };
}

function expectSameCheck(got: LossCheck | undefined, want: LossCheck, tolerance: number): void {
  expect(got?.passed).toBe(true);
  for (const key of ['lossBefore', 'firstStepLoss', 'lossAfter'] as const)
    expect(Math.abs(got![key] - want[key]), key).toBeLessThan(tolerance);
}

describe('contenders in processes of their own', () => {
  it('a JavaScript contender: the same check as in this process, then timed repetitions', async () => {
    const setup = tinySetup(denseSpec, 'bench process node');
    const { process: p, ready } = await ContenderProcess.start(
      nodeRuntime,
      job(setup, 'node', 'matrix', 8),
      'matrix',
      () => {},
    );
    try {
      expect(ready.cases.map((c) => c.status)).toEqual(['ok']);
      expectSameCheck(ready.cases[0]!.check, await inProcess(setup, 8), 1e-12);
      const rep = await p.repetition(0);
      expect(rep.wall).toBeGreaterThan(0);
      expect(Number.isFinite(rep.E)).toBe(true);
    } finally {
      await p.close();
    }
  });

  it('synaptic, failing the check at the common η, is checked again at η / 10; both checks are kept', async () => {
    // On this net its loss is not finite after one pass at η = 1, and falls at 0.1.
    const setup = tinySetup(denseSpec, 'bench loss check', 1);
    const { process: p, ready } = await ContenderProcess.start(
      nodeRuntime,
      job(setup, 'synaptic', 'synaptic', 1),
      'synaptic',
      () => {},
    );
    await p.close();
    const [c] = ready.cases;
    expect(c!.checkAtCommonη).toMatchObject({ passed: false });
    expect(c!.checkAtCommonη!.reason).toMatch(/not finite/);
    expect(c!.η).toBeCloseTo(0.1, 12);
    expect(c!).toMatchObject({ status: 'ok', check: { passed: true } });
  });

  it('a contender that cannot start is reported with its reason', async () => {
    const setup = tinySetup(denseSpec, 'bench process node');
    await expect(
      ContenderProcess.start(nodeRuntime, job(setup, 'bad', 'no-such-contender', 8), 'bad', () => {}),
    ).rejects.toThrow(/no JavaScript contender "no-such-contender"/);
  });

  for (const [name, spec, B] of [
    ['dense', denseSpec, 8],
    ['conv', convSpec, 4],
  ] as const)
    it.skipIf('missing' in torch)(`PyTorch float64 and float32 check like the matrix engine (${name})`, async () => {
      const setup = tinySetup(spec, `bench process torch ${name}`);
      const want = await inProcess(setup, B);
      for (const [dtype, tolerance] of [
        ['float64', 1e-10],
        ['float32', 1e-5],
      ] as const) {
        const python = pythonRuntime((torch as { python: string }).python);
        const { process: p, ready } = await ContenderProcess.start(
          python,
          job(setup, name, 'pytorch', B, dtype),
          'torch',
          () => {},
        );
        try {
          expectSameCheck(ready.cases[0]!.check, want, tolerance);
          expect(ready.details?.['blas']).toBeInstanceOf(Array);
          // Dense nets take PyTorch's hand-written step, conv nets autograd's: both checked above.
          expect(ready.written).toContain(name === 'dense' ? 'hand-written' : 'autograd');
          expect(Number.isFinite((await p.repetition(0)).E)).toBe(true);
        } finally {
          await p.close();
        }
      }
    });
});
