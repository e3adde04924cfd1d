#!/usr/bin/env node
// The installed `localprop` binary: the CLI compiled to JavaScript (dist/, built by `npm run build`).
try {
  await import('../dist/src/cli/main.js');
} catch (e) {
  // Only a clone that was never built lacks dist/; the installed package ships it.
  const missing = e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/src/cli/main.js');
  if (!missing) throw e;
  process.stderr.write('localprop: dist/ is missing: run `npm run build` (or use `npm run -s localprop -- ARGS`)\n');
  process.exitCode = 1;
}
