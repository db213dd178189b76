import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HALF_MADE_PACK, LOCK, refLocks } from '../io/git-debris.js';

/** How often the mirror's size is looked at while git writes it. */
const WATCH_INTERVAL_MS = 50;

/**
 * Watches what one git process writes into a repository's objects/pack while it runs. `git
 * fetch` has no byte limit of its own (receive.maxInputSize bounds only a push), and a host can
 * answer with a pack that never ends; this sums the files that appeared in objects/pack since the
 * watch began, every WATCH_INTERVAL_MS, and calls `onOver` once they pass `capBytes`. Afterwards
 * it removes what that git left half made: only files that were not there when it began, so
 * that what another run sharing the cache holds is left alone.
 */
export class MirrorWriteWatch {
  private timer: NodeJS.Timeout | undefined;
  private looking = false;
  private over = false;
  /** Bytes of the new files in objects/pack at the last look. */
  written = 0;

  private constructor(
    private readonly repository: string,
    private readonly capBytes: number,
    private readonly before: ReadonlySet<string>,
    private readonly onOver: (written: number) => void,
  ) {}

  static async start(
    repository: string,
    capBytes: number,
    onOver: (written: number) => void,
  ): Promise<MirrorWriteWatch> {
    const watch = new MirrorWriteWatch(repository, capBytes, new Set(await halfMadeAndPackFiles(repository)), onOver);
    // A look that fails (the repository removed under it) is only a look missed: never an unhandled rejection.
    watch.timer = setInterval(() => void watch.look().catch(() => undefined), WATCH_INTERVAL_MS);
    watch.timer.unref();
    return watch;
  }

  get exceeded(): boolean {
    return this.over;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Removes the temporary packs that appeared while this git ran (it has ended), and with `locks`
   * the lock files too: git removes its own locks when it is stopped with SIGTERM, so only a git
   * that had to be killed leaves them, and one taken since by another run must not go.
   */
  async removeLeftovers(options: { locks: boolean }): Promise<void> {
    this.stop();
    for (const path of await halfMadeAndPackFiles(this.repository)) {
      if (this.before.has(path)) continue;
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (HALF_MADE_PACK.test(name) || (options.locks && LOCK.test(name)))
        await rm(path, { force: true }).catch(() => undefined);
    }
  }

  private async look(): Promise<void> {
    if (this.looking || this.over) return;
    this.looking = true;
    try {
      const pack = join(this.repository, 'objects', 'pack');
      let bytes = 0;
      for (const name of await readdir(pack).catch(() => [])) {
        const path = join(pack, name);
        if (this.before.has(path)) continue;
        bytes += (await lstat(path).catch(() => undefined))?.size ?? 0;
      }
      this.written = bytes;
      if (bytes > this.capBytes && !this.over) {
        this.over = true;
        this.stop();
        this.onOver(bytes);
      }
    } finally {
      this.looking = false;
    }
  }
}

/**
 * Every file of objects/pack, and the lock files in the repository's top directory and under
 * refs/: the paths git writes while it fetches.
 */
async function halfMadeAndPackFiles(repository: string): Promise<string[]> {
  const pack = join(repository, 'objects', 'pack');
  const paths = (await readdir(pack).catch(() => [])).map((name) => join(pack, name));
  for (const name of await readdir(repository).catch(() => [])) if (LOCK.test(name)) paths.push(join(repository, name));
  paths.push(...(await refLocks(join(repository, 'refs'))));
  return paths;
}

/**
 * Watches the resident memory of one git process (Linux: /proc/<pid>/status) and calls `onOver`
 * once it passes `capBytes`. A host that advertises refs without end makes `git fetch` and `git
 * ls-remote` hold every one of them: ~120 MB more each second, until the machine runs out of
 * memory long before the git deadline. Where /proc is absent nothing is watched.
 */
export class GitMemoryWatch {
  private readonly timer: NodeJS.Timeout;
  private looking = false;
  private over = false;
  /** Resident bytes at the last look. */
  resident = 0;

  constructor(
    private readonly pid: number,
    private readonly capBytes: number,
    private readonly onOver: (resident: number) => void,
  ) {
    this.timer = setInterval(() => void this.look().catch(() => undefined), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  get exceeded(): boolean {
    return this.over;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async look(): Promise<void> {
    if (this.looking || this.over) return;
    this.looking = true;
    try {
      const status = await readFile(`/proc/${this.pid}/status`, 'latin1').catch(() => undefined);
      const kib = status === undefined ? undefined : /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      if (kib === undefined) return this.stop();
      this.resident = Number(kib) * 1024;
      if (this.resident > this.capBytes) {
        this.over = true;
        this.stop();
        this.onOver(this.resident);
      }
    } finally {
      this.looking = false;
    }
  }
}
