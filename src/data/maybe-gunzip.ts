/**
 * Gunzip bytes that start with the gzip magic number (1f 8b); pass others through. Detecting by
 * content rather than by the ".gz" suffix lets a file be named either way. A truncated or
 * corrupt stream is an InputError naming the file.
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';
import { MAX_INPUT_BYTES } from './read-input.ts';

export function maybeGunzip(bytes: Uint8Array, source: string, limit = MAX_INPUT_BYTES): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    // A gzip bomb stops at the same limit as a file read whole.
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new InputError(`${source}: gunzips to more than localprop reads from one file (${limit} bytes)`);
    throw new InputError(`${source}: corrupt or truncated gzip data (${(e as Error).message})`);
  }
}
