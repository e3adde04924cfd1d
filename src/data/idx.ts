/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.), gzipped or raw:
 *   bytes 0–1   0x00 0x00
 *   byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3     number of dimensions d
 *   then        d sizes, each a big-endian uint32
 *   then        the elements, big-endian, row-major; exactly Π sizes of them
 * Validation is strict: a wrong magic number, an unknown type, a zero size, or a length that
 * disagrees with the header is an InputError naming the file. Gzip is detected by its magic
 * bytes (1f 8b, see maybe-gunzip.ts), so a file may be named either way.
 */
import { gzipSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';
import { maybeGunzip } from './maybe-gunzip.ts';
import { readInputBytes } from './read-input.ts';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  [0x08]: { type: 'uint8', bytes: 1 },
  [0x09]: { type: 'int8', bytes: 1 },
  [0x0b]: { type: 'int16', bytes: 2 },
  [0x0c]: { type: 'int32', bytes: 4 },
  [0x0d]: { type: 'float32', bytes: 4 },
  [0x0e]: { type: 'float64', bytes: 8 },
};

export interface IdxArray {
  type: IdxType;
  dims: number[];
  /**
   * uint8 data stays bytes (a view, no copy: 47 MB for the MNIST training images); other types are read into numbers.
   */
  data: Uint8Array | Float64Array;
}

export function parseIdx(raw: Uint8Array, source: string): IdxArray {
  const bytes = maybeGunzip(raw, source);
  const fail = (msg: string): never => {
    throw new InputError(`${source}: not an IDX file: ${msg}`);
  };
  if (bytes.length < 4) fail(`${bytes.length} bytes, shorter than the 4-byte magic number`);
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const kind = TYPES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || kind === undefined)
    fail(`magic number ${magic}, expected 00 00 then a type byte 08/09/0b/0c/0d/0e`);
  const d = bytes[3]!;
  if (d === 0) fail(`magic number ${magic} gives 0 dimensions`);
  const headerLength = 4 + 4 * d;
  if (bytes.length < headerLength)
    fail(`header declares ${d} dimensions but the file ends after ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: d }, (_, k) => view.getUint32(4 + 4 * k, false));
  if (dims.some((n) => n === 0)) fail(`a dimension is 0 (sizes ${dims.join('×')})`);
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerLength + count * kind!.bytes;
  if (bytes.length !== expected) {
    fail(`header says ${dims.join('×')} ${kind!.type} (${expected} bytes), but the data is ${bytes.length} bytes`);
  }
  if (kind!.type === 'uint8') return { type: 'uint8', dims, data: bytes.subarray(headerLength) };
  const data = new Float64Array(count);
  const read: (offset: number) => number = {
    int8: (o: number) => view.getInt8(o),
    int16: (o: number) => view.getInt16(o, false),
    int32: (o: number) => view.getInt32(o, false),
    float32: (o: number) => view.getFloat32(o, false),
    float64: (o: number) => view.getFloat64(o, false),
  }[kind!.type as Exclude<IdxType, 'uint8'>];
  for (let k = 0; k < count; k++) data[k] = read(headerLength + k * kind!.bytes);
  return { type: kind!.type, dims, data };
}

export function readIdx(path: string): IdxArray {
  return parseIdx(readInputBytes(path), path);
}

/** Encode uint8 data as IDX (gzipped if asked): for making your own files, and for tests. */
export function encodeIdx(dims: number[], data: Uint8Array, gzip = false): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((n, k) => {
    view.setUint32(4 + 4 * k, n, false);
  });
  const bytes = new Uint8Array(header.length + data.length);
  bytes.set(header);
  bytes.set(data, header.length);
  return gzip ? gzipSync(bytes) : bytes;
}
