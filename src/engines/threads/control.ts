/** The slots of the thread pool's shared control block (an Int32Array of Control.size). */
export const Control = {
  generation: 0,
  done: 1,
  op: 2,
  layer: 3,
  patterns: 4,
  first: 5,
  threads: 6,
  ready: 7,
  engine: 8,
  failed: 9,
  size: 16,
} as const;
