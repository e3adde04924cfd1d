/**
 * Rebuilds src/nn/wasm/kernels-binary.ts from src/nn/wasm/kernels.wat with wabt (a devDependency):
 *   npm run build:wasm
 * The binary is kept as base64 in a TypeScript module, so that it loads synchronously, in worker
 * threads too, from the sources and from dist/ alike. test/nn/wasm-kernels.test.ts checks that the
 * committed binary is the one this script makes from the committed source.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleKernels } from './assemble-kernels.ts';

const target = fileURLToPath(new URL('../src/nn/wasm/kernels-binary.ts', import.meta.url));
writeFileSync(target, await assembleKernels());
console.log(`wrote ${target}`);
