import type { ProgressSink } from '../pipeline/context.js';

export interface Progress extends ProgressSink {
  start(total: number): void;
  stop(): void;
}

/** Progress on stderr: nothing with --quiet; plain lines for now. */
export function createProgress(options: { quiet: boolean }): Progress {
  let done = 0;
  let total = 0;
  const quiet = options.quiet;
  return {
    start(count) {
      total = count;
    },
    stop() {},
    step() {},
    bytes() {},
    releaseDone(release, verdict) {
      done++;
      if (!quiet) process.stderr.write(`[${done}/${total}] ${release}: ${verdict}\n`);
    },
  };
}
