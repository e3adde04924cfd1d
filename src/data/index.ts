export * from './csv.ts';
export * from './datasets.ts';
