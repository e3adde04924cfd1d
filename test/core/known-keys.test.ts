import { describe, expect, it } from 'vitest';
import { closestName, editDistance, rejectUnknownKeys } from '../../src/core/known-keys.ts';
import { inputErrorMessage } from '../helpers/input-error.ts';

describe('unknown keys', () => {
  it('editDistance counts insertions, deletions and substitutions', () => {
    expect(editDistance('activaton', 'activation')).toBe(1);
    expect(editDistance('strides', 'stride')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('closestName suggests a near key, and nothing for a key unlike any', () => {
    const keys = ['type', 'filters', 'kernel', 'stride', 'padding', 'activation'];
    expect(closestName('strides', keys)).toBe('stride');
    expect(closestName('Kernal', keys)).toBe('kernel');
    expect(closestName('filter', keys)).toBe('filters');
    expect(closestName('zzzzzzzz', keys)).toBeNull();
    expect(closestName('x'.repeat(3_000_000), keys)).toBeNull();
  });

  it('rejectUnknownKeys names the key, the suggestion and the known keys; known keys pass', () => {
    expect(() => rejectUnknownKeys({ inputs: 1, targets: 2 }, ['inputs', 'targets'], 'b.json')).not.toThrow();
    expect(inputErrorMessage(() => rejectUnknownKeys({ inputs: 1, target: 2 }, ['inputs', 'targets'], 'b.json'))).toBe(
      'b.json: unknown key "target"; did you mean "targets"? (known keys: inputs, targets)',
    );
    expect(inputErrorMessage(() => rejectUnknownKeys({ comment: 'x' }, ['inputs', 'targets'], 'b.json'))).toBe(
      'b.json: unknown key "comment" (known keys: inputs, targets)',
    );
  });
});
