export * from './central-difference.ts';
export * from './check-coordinates.ts';
export * from './check-directions.ts';
export * from './check-gradient.ts';
export * from './check-network.ts';
export * from './gradcheck-result.ts';
export * from './random-patterns.ts';
export * from './relative-error.ts';
