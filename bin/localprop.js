#!/usr/bin/env node
// The installed `localprop` binary: the CLI compiled to JavaScript (dist/, built by `npm run build`).
await import('../dist/src/cli/main.js');
