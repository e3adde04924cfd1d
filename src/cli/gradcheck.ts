/**
 * `localprop gradcheck`: the analytic gradient of back-prop (the matrix network) against a
 * numeric derivative of E, for every weight and bias, or along K random directions per layer.
 * Prints the JSON result to stdout; exit code 0 when the worst relative error is ≤ 1e-6, 1 when not
 * (the action sets process.exitCode = 1 and writes one line to stderr; bad input throws InputError).
 */
import type { Command } from 'commander';
import { DivergenceError, InputError } from '../core/errors.ts';
import { createRandom } from '../core/random.ts';
import { sizeOf } from '../core/tensor.ts';
import {
  checkNetwork,
  randomPatterns,
  type NetworkCheckResult,
  type WorstCoordinate,
  type WorstDirection,
} from '../gradcheck/index.ts';
import { defaultInit, initParams } from '../nn/params.ts';
import { resolveLayers, type NetSpec } from '../nn/spec.ts';

/** The most parameters gradcheck checks one by one; larger nets are checked along --directions. */
export const MAX_COORDINATES = 100_000;
import { loadBatch, loadNet, loadParams, positiveInt, positiveNumber } from './options.ts';

export interface GradcheckFlags {
  net: string;
  params?: string;
  data?: string;
  linearizeRectifiers?: boolean;
  seed: string;
  epsilon?: number;
  directions?: number;
  richardson: boolean;
  patterns: number;
}

/** Load or make params and patterns as the flags say, then check. Bad input throws InputError. */
export function runGradcheck(flags: GradcheckFlags): { spec: NetSpec; result: NetworkCheckResult } {
  const spec = loadNet(flags.net);
  const count = resolveLayers(spec).reduce((n, l) => n + sizeOf(l.weightShape) + l.weightShape[0]!, 0);
  if (flags.directions === undefined && count > MAX_COORDINATES) {
    // Each coordinate costs four passes over the patterns: past this many, the check would run for hours.
    const limit = `more than gradcheck checks one by one (${MAX_COORDINATES})`;
    throw new InputError(`${flags.net}: the net has ${count} weights and biases, ${limit}; use --directions K`);
  }
  const random = createRandom(flags.seed);
  // Same params as `localprop init --seed S` and `train --seed S` without --params.
  const params = flags.params
    ? loadParams(spec, flags.params)
    : initParams(spec, random.derive('init'), defaultInit(spec));
  const data = flags.data
    ? loadBatch(spec, flags.data)
    : randomPatterns(spec, flags.patterns, random.derive('gradcheck patterns'));
  const result = checkNetwork(spec, params, data, {
    linearizeRectifiers: flags.linearizeRectifiers ?? false,
    epsilon: flags.epsilon,
    richardson: flags.richardson,
    directions: flags.directions,
    random: random.derive('gradcheck directions'),
  });
  return { spec, result };
}

function describeWorst(worst: WorstCoordinate | WorstDirection): string {
  const where =
    'which' in worst
      ? `layer ${worst.layer} ${worst.which}[${worst.index}]`
      : `layer ${worst.layer} direction ${worst.direction}`;
  return `${where} (analytic ${worst.analytic}, numeric ${worst.numeric})`;
}

export function registerGradcheck(program: Command): void {
  program
    .command('gradcheck')
    .description(
      "check back-prop's gradient of E (summed over the patterns) against numeric derivatives, " +
        'over every weight and bias ' +
        'or along --directions K random unit directions per layer: central differences D(h) = (E(w+h) − E(w−h))/2h, ' +
        'Richardson-extrapolated to (4·D(h/2) − D(h))/3 unless --no-richardson. ' +
        'Prints { worstRelativeError, worst, checked, passed, threshold, ... } as JSON to stdout, ' +
        'with relative error |a − n| / max(|a|, |n|, floor); ' +
        'exits 0 when the worst is ≤ 1e-6, 1 when not.',
    )
    .requiredOption('--net <file>', 'net spec (*.net.json)')
    .option('--params <file>', 'params (*.params.json) (default: initialised from --seed, as `init` does)')
    .option(
      '--data <file>',
      'batch { "inputs": [[...]], "targets": [[...]] } (default: --patterns seeded random patterns: ' +
        'inputs N(0,1); targets one-hot for softmax-cross-entropy, N(0,1) for mse)',
    )
    .option('--patterns <n>', 'how many random patterns without --data', positiveInt, 4)
    .option(
      '--linearize-rectifiers',
      "make relu linear during the check (the essay's advice: at the kink the numeric derivative measures a step)",
    )
    .option('--seed <seed>', 'seed for the params, the random patterns and the random directions', '1')
    .option('--epsilon <h>', 'step h (default 1e-3 with Richardson extrapolation, 1e-5 without)', positiveNumber)
    .option(
      '--no-richardson',
      'use the plain central difference D(h) (default h 1e-5 and floor 1e-3 instead of 1e-3 and 1e-6)',
    )
    .option(
      '--directions <K>',
      'check K seeded random unit directions per layer instead of every parameter (for large layers)',
      positiveInt,
    )
    .action((flags: GradcheckFlags) => {
      const { spec, result } = runGradcheck(flags);
      // A non-finite comparison is no result: JSON would print it as null.
      if (!Number.isFinite(result.worstRelativeError) || !Number.isFinite(result.loss)) {
        const at = result.worst ? ` at ${describeWorst(result.worst)}` : '';
        throw new DivergenceError(
          `gradcheck diverged: E is ${result.loss}${at}; the params or the data are too large for float64`,
        );
      }
      const { worstRelativeError, worst, checked, passed, threshold, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ worstRelativeError, worst, checked, passed, threshold, ...rest })}\n`);
      if (!passed) {
        const hint =
          !flags.linearizeRectifiers && spec.layers.some((l) => l.activation.name === 'relu')
            ? '; the net has relu units: try --linearize-rectifiers'
            : '';
        process.stderr.write(
          `localprop: gradcheck failed: worst relative error ${worstRelativeError} > ${threshold} ` +
            `at ${worst ? describeWorst(worst) : 'nothing checked'}${hint}\n`,
        );
        process.exitCode = 1;
      }
    });
}
