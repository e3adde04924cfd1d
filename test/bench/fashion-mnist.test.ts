/** The conv bench's 32×32 images: Fashion-MNIST's 28×28 centred in a frame of two zero pixels, or seeded random. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, loadBenchData, loadPaddedImages } from '../../bench/fashion-mnist.ts';

describe('the conv bench images', () => {
  it.skipIf(!existsSync(FASHION_MNIST_DIR))('are Fashion-MNIST padded 28→32 with zeros', () => {
    const small = loadBenchData(3);
    const padded = loadPaddedImages(3);
    expect(padded.targets).toEqual(small.targets);
    padded.inputs.forEach((x, p) => {
      expect(x.length).toBe(1024);
      for (let i = 0; i < 32; i++)
        for (let j = 0; j < 32; j++) {
          const inside = i >= 2 && i < 30 && j >= 2 && j < 30;
          expect(x[i * 32 + j]).toBe(inside ? small.inputs[p]![(i - 2) * 28 + (j - 2)] : 0);
        }
      expect(x.some((v) => v > 0)).toBe(true);
    });
  });

  it('are seeded random 32×32 inputs where the data is absent, the same for the same seed', () => {
    const a = loadPaddedImages(2, 'seed', '/nonexistent');
    expect(a.source).toMatch(/^random 32×32 inputs/);
    expect(a.inputs.map((x) => x.length)).toEqual([1024, 1024]);
    expect(loadPaddedImages(2, 'seed', '/nonexistent').inputs).toEqual(a.inputs);
    expect(loadPaddedImages(2, 'other', '/nonexistent').inputs).not.toEqual(a.inputs);
  });
});
