import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from '../../src/data/idx.ts';
import { inputErrorMessage } from '../helpers/input-error.ts';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('IDX reader', () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, k) => (k * 37) % 256);

  it('reads uint8 tensors back, raw and gzipped (detected by content, not by name)', () => {
    for (const gz of [false, true]) {
      const idx = parseIdx(encodeIdx([2, 3, 4], data, gz), 'x');
      expect(idx.type).toBe('uint8');
      expect(idx.dims).toEqual([2, 3, 4]);
      expect(Array.from(idx.data)).toEqual(Array.from(data));
    }
  });

  it('reads big-endian int16, int32 and float64', () => {
    // int16 [2]: -2, 258
    expect(Array.from(parseIdx(bytes(0, 0, 0x0b, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x02), 'x').data)).toEqual([-2, 258]);
    // int32 [1]: 0x01020304
    expect(Array.from(parseIdx(bytes(0, 0, 0x0c, 1, 0, 0, 0, 1, 1, 2, 3, 4), 'x').data)).toEqual([0x01020304]);
    const f = new Uint8Array(8);
    new DataView(f.buffer).setFloat64(0, -1.5, false);
    expect(Array.from(parseIdx(bytes(0, 0, 0x0e, 1, 0, 0, 0, 1, ...f), 'x').data)).toEqual([-1.5]);
  });

  it('rejects a wrong magic number, naming the file and the bytes', () => {
    const good = encodeIdx([2, 3, 4], data);
    const bad = Uint8Array.from(good);
    bad[0] = 0x50; // "PK", say
    expect(inputErrorMessage(() => parseIdx(bad, 'a.idx'))).toMatch(
      /^a\.idx: not an IDX file: magic number 50 00 08 03/,
    );
    const badType = Uint8Array.from(good);
    badType[2] = 0x07;
    expect(inputErrorMessage(() => parseIdx(badType, 'a.idx'))).toMatch(/magic number 00 00 07 03/);
    expect(inputErrorMessage(() => parseIdx(bytes(0, 0), 'a.idx'))).toMatch(/shorter than the 4-byte magic number/);
  });

  it('rejects data shorter or longer than its header says', () => {
    const good = encodeIdx([2, 3, 4], data);
    expect(inputErrorMessage(() => parseIdx(good.subarray(0, good.length - 1), 'a.idx'))).toMatch(
      /header says 2×3×4 uint8 \(40 bytes\), but the data is 39 bytes/,
    );
    expect(inputErrorMessage(() => parseIdx(Uint8Array.from([...good, 0]), 'a.idx'))).toMatch(
      /but the data is 41 bytes/,
    );
    expect(inputErrorMessage(() => parseIdx(good.subarray(0, 10), 'a.idx'))).toMatch(
      /declares 3 dimensions but the file ends after 10 bytes/,
    );
    expect(inputErrorMessage(() => parseIdx(bytes(0, 0, 8, 1, 0, 0, 0, 0), 'a.idx'))).toMatch(/a dimension is 0/);
  });

  it('rejects a truncated or corrupt gzip stream', () => {
    const gz = encodeIdx([2, 3, 4], data, true);
    expect(inputErrorMessage(() => parseIdx(gz.subarray(0, gz.length - 6), 'a.gz'))).toMatch(
      /^a\.gz: corrupt or truncated gzip data \(/,
    );
    const corrupt = Uint8Array.from(gz);
    for (let k = 12; k < corrupt.length - 8; k++) corrupt[k] ^= 0x5a;
    expect(inputErrorMessage(() => parseIdx(corrupt, 'a.gz'))).toMatch(/corrupt or truncated gzip data/);
    // A valid gzip of something that is not IDX is an IDX error, not a gzip one.
    expect(inputErrorMessage(() => parseIdx(gzipSync(Buffer.from('hello')), 'a.gz'))).toMatch(/not an IDX file/);
  });
});
