/**
 * What the merged-rule experiments (07 merged-bias, 12 continuous) share: the two ways of nudging,
 * with the order in β of each one's bias (one-sided O(β), symmetric O(β²)), the log-spaced grid of β,
 * and the digits net they both measure on.
 */

export const NUDGES = [
  { label: 'one-sided', symmetric: false, expected: 1 },
  { label: 'symmetric', symmetric: true, expected: 2 },
] as const;

/** β = 10^e, `perDecade` per decade from βmin to βmax inclusive (12 significant digits, so JSON stays short). */
export function betaGrid(βmin: number, βmax: number, perDecade: number): number[] {
  const lo = Math.log10(βmin);
  const hi = Math.log10(βmax);
  const n = Math.round((hi - lo) * perDecade);
  return Array.from({ length: n + 1 }, (_, k) => Number((10 ** (lo + ((hi - lo) * k) / n)).toPrecision(12)));
}

/** The digits net, 64-32-10 with LeCun's tanh, as a net spec's JSON. */
export const DIGITS_NET = {
  label: 'digits 64-32-10 tanh, softmax-CE',
  inputs: 'digits',
  json: {
    input: [64],
    layers: [
      { type: 'dense', units: 32, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  },
} as const;
