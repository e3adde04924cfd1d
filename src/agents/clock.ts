/**
 * The circuit's clock: work that waits until the delivery in progress has unwound. An agent that
 * would otherwise answer from inside the call that delivered to it (and so nest one call deeper per
 * round of a long exchange, as predictive coding's inference does, T rounds per pattern) hands its
 * answer to the clock instead; the engine runs the clock after each message it sends in, and the
 * clock runs the waiting tasks one after another, in the order they came (first in, first out),
 * including the tasks they add, until none is left. So a pattern's stack depth stays that of one
 * round, however many rounds it takes. A task that throws stops the run at once, as an AgentError
 * naming the agent that handed it over (agents/axon.ts).
 */
import { AgentError } from './agent-error.ts';

export class Clock {
  private readonly tasks: (() => void)[] = [];
  private readonly agents: string[] = [];
  private head = 0;
  private running = false;

  /** Run `task` for `agent` after the delivery in progress (and the tasks already waiting). */
  later(task: () => void, agent: string): void {
    this.tasks.push(task);
    this.agents.push(agent);
  }

  /** Run `deliver`, then every waiting task in order, until none is left. Not re-entrant. */
  run(deliver: () => void): void {
    if (this.running) throw new Error('the clock is already running');
    this.running = true;
    try {
      deliver();
      const tasks = this.tasks;
      while (this.head < tasks.length) {
        const k = this.head++;
        try {
          tasks[k]!();
        } catch (e) {
          throw AgentError.from(e, this.agents[k]!);
        }
      }
    } finally {
      // A fault leaves tasks behind; they belong to the aborted pattern and never run.
      this.tasks.length = 0;
      this.agents.length = 0;
      this.head = 0;
      this.running = false;
    }
  }

  /** How many tasks wait. */
  get waiting(): number {
    return this.tasks.length - this.head;
  }
}
