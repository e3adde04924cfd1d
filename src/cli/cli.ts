/**
 * The CLI as a function, so tests can call it in-process. Exit codes (README, The command line): 0 success; 2 bad input
 * (one line on stderr, nothing written); 3 training diverged; 130 interrupted (SIGINT; 143 for SIGTERM); 1 anything
 * else.
 */
import { CommanderError } from 'commander';
import { AgentError } from '../agents/agent-error.ts';
import { DivergenceError, InputError, InterruptedError } from '../core/errors.ts';
import { createProgram } from './program.ts';

export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    // A command that finishes but fails (a gradient check that does not pass) sets process.exitCode.
    process.exitCode = undefined;
    await program.parseAsync(argv, { from: 'user' });
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end here too, with exitCode 0; commander has already printed its message.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`localprop: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InterruptedError) {
      process.stderr.write(`localprop: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof DivergenceError) {
      process.stderr.write(`localprop: ${e.message}\n`);
      return 3;
    }
    if (e instanceof AgentError) {
      // An agent threw mid-pattern: the run stopped there, nothing was written; one line names the agent.
      process.stderr.write(`localprop: agents engine: ${e.message.split('\n')[0]}\n`);
      return 1;
    }
    process.stderr.write(`localprop: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
