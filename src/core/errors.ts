/**
 * The CLI's exit codes follow from the error's class (README, The command line):
 * InputError → 2 (bad input, nothing written), DivergenceError → 3, anything else → 1.
 */

/** Bad input from the user: a file, a flag, a spec. The message is one line that names the culprit. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Training produced NaN or Infinity. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
}

/** The user interrupted a run (SIGINT, or SIGTERM); the CLI exits 128 + the signal's number: 130, or 143. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(
    message: string,
    readonly exitCode = 130,
  ) {
    super(message);
  }
}
