import type { ProgressSink } from '../run/context.js';
import { escapeTerminal } from '../report/escape.js';

export interface Progress extends ProgressSink {
  start(total: number): void;
  stop(): void;
}

/**
 * Progress on stderr, so stdout stays the report: a live bar (releases done, bytes downloaded,
 * what is being fetched) on a terminal; plain lines, one per finished release, in CI or when
 * piped; nothing with --quiet.
 */
export async function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Promise<Progress> {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { start() {}, stop() {}, step() {}, bytes() {}, releaseDone() {} };
  const live = stream.isTTY === true && !process.env.CI;
  let done = 0;
  let total = 0;
  let bytes = 0;
  if (!live) {
    return {
      start(count) {
        total = count;
        stream.write(`verifying ${count} release(s)\n`);
      },
      stop() {},
      step() {},
      bytes() {},
      releaseDone(release, verdict) {
        done++;
        stream.write(`[${done}/${total}] ${escapeTerminal(release)}: ${verdict}\n`);
      },
    };
  }
  // Loaded only for a terminal: CI runs and pipes do not pay for it at start-up.
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'verifying {bar} {value}/{total} releases | {megabytes} MB | {current}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(count) {
      total = count;
      running = true;
      bar.start(count, 0, { megabytes: '0.0', current: '' });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
    step(release, channel, what) {
      if (running) bar.update({ current: escapeTerminal(`${release} ${channel}: ${what}`).slice(0, 60) });
    },
    bytes(count) {
      bytes += count;
      if (running) bar.update({ megabytes: (bytes / 1e6).toFixed(1) });
    },
    releaseDone() {
      done++;
      if (running) bar.update(done);
    },
  };
}
