/**
 * Progress on stderr while experiments run. A cli-progress bar per experiment when stderr is a
 * terminal; otherwise one plain line per finished experiment; nothing at all when quiet.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(name: string): void;
  update(done: number, total: number): void;
  /** One experiment done, after `seconds`; `where` is its output folder. */
  finish(name: string, seconds: number, where: string): void;
  /** Stop any bar (also on failure). */
  stop(): void;
}

export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  const line = (name: string, seconds: number, where: string): string =>
    `${name}: done in ${seconds.toFixed(1)} s → ${where}\n`;
  if (options.quiet) return { start() {}, update() {}, finish() {}, stop() {} };
  if (!stream.isTTY)
    return { start() {}, update() {}, finish: (n, s, w) => void stream.write(line(n, s, w)), stop() {} };

  let bar: cliProgress.SingleBar | null = null;
  let name = '';
  const stop = (): void => {
    bar?.stop();
    bar = null;
  };
  return {
    start(n) {
      stop();
      name = n;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: '{name} |{bar}| {percentage}% | {duration_formatted}',
          clearOnComplete: true,
          hideCursor: true,
          barsize: 30,
          fps: 8,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0, { name });
    },
    update(done, total) {
      if (!bar || !(total > 0)) return;
      bar.setTotal(total);
      bar.update(Math.min(done, total), { name });
    },
    finish(n, s, w) {
      stop();
      stream.write(line(n, s, w));
    },
    stop,
  };
}
