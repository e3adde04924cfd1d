export * from './csv.ts';
export * from './data-file.ts';
export * from './datasets.ts';
export * from './idx.ts';
export * from './labelled-csv.ts';
export * from './maybe-gunzip.ts';
export * from './mnist.ts';
export * from './read-input.ts';
