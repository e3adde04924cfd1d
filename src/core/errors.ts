/**
 * The CLI's exit codes follow from the error's class (DESIGN §3):
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

/** The user interrupted a run (SIGINT); the CLI exits 130, the shell's code for it. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}
