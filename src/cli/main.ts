#!/usr/bin/env node
/** The `localprop` command. */
import { main } from './cli.ts';

// A reader that stops early (`localprop init … | head`) closes the pipe: that ends the output, not in a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2));
