export * from './errors.ts';
export * from './random.ts';
export * from './tensor.ts';
export * from './write-atomic.ts';
export * from './write-folder-atomic.ts';
export * from './known-keys.ts';
export * from './make-dirs.ts';
