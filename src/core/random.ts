import seedrandom from 'seedrandom';

/**
 * The one source of randomness in localprop. Every random choice (initial weights, splits,
 * shuffles, feedback matrices, gradient-check directions) draws from a Random made here, so a
 * seed reproduces a run exactly.
 */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal, by Box–Muller (uses two uniforms per call; no cached spare, so the stream stays simple). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[];
  /** A child generator whose stream depends only on this seed and `label`, not on draws made so far. */
  derive(label: string): Random;
}

export function createRandom(seed: number | string): Random {
  const root = String(seed);
  const prng = seedrandom(root);
  const random: Random = {
    uniform: () => prng(),
    normal() {
      // 1 − u keeps the argument of log in (0, 1].
      const u1 = 1 - prng();
      const u2 = prng();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    int: (n) => Math.floor(prng() * n),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(prng() * (i + 1));
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
      }
      return items;
    },
    derive: (label) => createRandom(`${root}/${label}`),
  };
  return random;
}
