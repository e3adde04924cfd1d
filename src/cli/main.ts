#!/usr/bin/env node
/** The `localprop` command. */
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
