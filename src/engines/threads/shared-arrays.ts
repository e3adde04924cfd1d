/** Arrays the threads share, and the numbers that name an engine's arrays to the workers. */

/** Float64Arrays on a SharedArrayBuffer, so that workers can read and write them. */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

let engines = 0;

/** A number naming a set of shared arrays to the workers (a worker that has not seen it is sent them). */
export function newEngineId(): number {
  return engines++;
}
