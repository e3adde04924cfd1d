#!/usr/bin/env node
// The installed `localprop` binary: the CLI compiled to JavaScript (dist/, built by `npm run build`).
try {
  await import('../dist/src/cli/main.js');
} catch (e) {
  // Only a clone that was never built lacks dist/; the installed package ships it.
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/src/cli/main.js')) throw e;
  process.stderr.write('localprop: dist/ is missing: run `npm run build` (in a clone, `npm run -s localprop -- ARGS` needs none)\n');
  process.exitCode = 1;
}
