/**
 * Fresh arrays for messages: freshArray(n) returns n zeros that nobody has held before, carved from
 * a slab (one ArrayBuffer) by moving a pointer. A typed array of its own allocates its memory outside
 * the JavaScript heap, which the garbage collector tracks and sweeps one buffer at a time; a view into
 * a slab is a small ordinary object, and a slab is freed once no view into it lives. No region is ever
 * handed out twice, so an array sent in a message is still never written by anyone after it is sent.
 */
const SLAB_DOUBLES = 1 << 15;

let slab = new Float64Array(0);
let used = 0;

export function freshArray(length: number): Float64Array {
  if (length > SLAB_DOUBLES >> 2) return new Float64Array(length);
  if (used + length > slab.length) {
    slab = new Float64Array(SLAB_DOUBLES);
    used = 0;
  }
  const a = slab.subarray(used, used + length);
  used += length;
  return a;
}
