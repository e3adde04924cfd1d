/**
 * Reading an input file, bounded: a regular file, or a pipe (process substitution, <(…)), read in
 * pieces up to a limit. A device (/dev/zero, /dev/urandom) or a socket is refused at once, and a
 * file past the limit is refused when the limit is reached, so that no input can make localprop
 * read forever or run out of memory. Every failure is an InputError naming the file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../core/errors.ts';

/** The most bytes localprop reads from one input file (and gunzips from it): 1 GiB. */
export const MAX_INPUT_BYTES = 2 ** 30;

export function readInputBytes(path: string, limit = MAX_INPUT_BYTES): Uint8Array {
  if (path.trim() === '') throw new InputError('an input file name is empty (an unset shell variable?)');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(`${path}: cannot read (EISDIR)`);
    if (stat.isCharacterDevice() || stat.isBlockDevice() || stat.isSocket()) {
      throw new InputError(
        `${path}: is a ${stat.isSocket() ? 'socket' : 'device'}, not a file; give a file (or a pipe)`,
      );
    }
    const pieces: Buffer[] = [];
    let total = 0;
    for (;;) {
      const piece = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, piece, 0, piece.length, null);
      } catch (e) {
        throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (n === 0) break;
      pieces.push(piece.subarray(0, n));
      total += n;
      if (total > limit) throw new InputError(`${path}: larger than localprop reads from one file (${limit} bytes)`);
    }
    return Buffer.concat(pieces, total);
  } finally {
    closeSync(fd);
  }
}
