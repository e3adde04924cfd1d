/**
 * kernels.wat assembled by wabt, as the text of the module src/nn/wasm/kernels-binary.ts
 * (scripts/build-wasm.ts writes it; a test compares it with the committed file).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

export async function assembleKernels(): Promise<string> {
  const source = readFileSync(fileURLToPath(new URL('../src/nn/wasm/kernels.wat', import.meta.url)), 'utf8');
  const wabt = await wabtInit();
  // The same module on a shared memory (the matrix engine's params with worker threads): only the import differs.
  const sharedSource = source.replace('(memory 1))', '(memory 1 65536 shared))');
  if (sharedSource === source) throw new Error('kernels.wat: the memory import (memory 1) was not found');
  const binary = (text: string): string => {
    const features = { simd: true, threads: true };
    const module = wabt.parseWat('kernels.wat', Buffer.from(text, 'utf8'), features);
    // validate() takes the features too (wabt's types omit the argument; without them, SIMD would be refused).
    (module as unknown as { validate(features: object): void }).validate(features);
    const { buffer } = module.toBinary({});
    module.destroy();
    return Buffer.from(buffer).toString('base64');
  };
  const constant = (name: string, base64: string): string[] => [
    `export const ${name} =`,
    ...base64.match(/.{1,100}/g)!.map((line) => `  '${line}' +`),
    "  '';",
  ];
  return [
    '/** kernels.wat assembled (npm run build:wasm writes this file; do not edit). */',
    ...constant('KERNELS_WASM_BASE64', binary(source)),
    '/** The same on a shared memory (its import declared `shared`, at most 65 536 pages). */',
    ...constant('KERNELS_SHARED_WASM_BASE64', binary(sharedSource)),
    '',
  ].join('\n');
}
