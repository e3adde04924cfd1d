/**
 * kernels.wat assembled by wabt, as the text of the module src/nn/wasm/kernels-binary.ts
 * (scripts/build-wasm.ts writes it; a test compares it with the committed file).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

export async function assembleKernels(): Promise<string> {
  const source = fileURLToPath(new URL('../src/nn/wasm/kernels.wat', import.meta.url));
  const wabt = await wabtInit();
  const features = { simd: true };
  const module = wabt.parseWat('kernels.wat', readFileSync(source), features);
  // validate() takes the features too (wabt's types omit the argument; without them, SIMD would be refused).
  (module as unknown as { validate(features: object): void }).validate(features);
  const { buffer } = module.toBinary({});
  module.destroy();
  const base64 = Buffer.from(buffer).toString('base64');
  const lines = base64.match(/.{1,100}/g)!.map((line) => `  '${line}' +`);
  return [
    '/** kernels.wat assembled (npm run build:wasm writes this file; do not edit). */',
    'export const KERNELS_WASM_BASE64 =',
    ...lines,
    "  '';",
    '',
  ].join('\n');
}
