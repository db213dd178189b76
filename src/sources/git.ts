import { type ChildProcess, type ExecFileException, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IntegrityError, LimitError, systemErrorText, UnavailableError } from '../model/errors.js';
import type { Limits } from '../model/limits.js';
import { type GitInvocation, type GitObject, GitObjectReader, gitComplaint, runEnded } from './git-object-reader.js';
import { type GitTreeEntry, walkTree } from '../formats/git-tree.js';
import { GitMemoryWatch, MirrorWriteWatch } from './git-write-cap.js';

export type { GitTreeEntry };

export interface RawTag {
  name: string;
  /** What refs/tags/<name> points to on the remote (and now in the mirror). */
  oid: string;
  objectType: string;
  /** The tag object's bytes when the ref points to a tag object. */
  raw?: Buffer;
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const MAX_COMMIT_BYTES = 1024 * 1024;
const MAX_TREE_BYTES = 16 * 1024 * 1024;
const GIT_SETTINGS = [
  '-c',
  'http.followRedirects=false',
  '-c',
  'http.lowSpeedLimit=1000',
  '-c',
  'http.lowSpeedTime=30',
  '-c',
  'core.symlinks=false',
];
/** git's arguments for a command run on `repository`, with the mirror's settings. */
const gitIn = (repository: string) => ['-C', repository, ...GIT_SETTINGS];
/**
 * What git says when another git process is writing the same repository: another run sharing
 * the cache holds one of its locks, or changed the shallow file while this fetch ran. git
 * refuses rather than waits; the write is tried again after a pause.
 */
const BUSY =
  /Unable to create '[^']*\.lock': File exists|shallow file has changed since we read it|cannot lock ref|could not lock config file/;
/** The first pause before trying again, in ms; each next one doubles, up to the last. */
const BUSY_FIRST_PAUSE_MS = 100;
const BUSY_LONGEST_PAUSE_MS = 3_200;
/** How long a git stopped with SIGTERM (which removes its locks) has before it is killed. */
const STOP_GRACE_MS = 2_000;
const MiB = 1024 * 1024;

/**
 * The git channel: a bare mirror in the cache, filled by the real git with one fetch for every
 * tag of the run (shallow, without blobs — blobs are fetched on demand for the few files whose
 * bytes are needed). git verifies each object's id as it receives it, so tree listings name
 * content by hash; crosscheck never parses packfiles itself.
 */
export class GitMirror {
  /**
   * The tags this run fetched, each with what the remote advertised for it when that is known
   * (see doPrepare): after a fetch of exactly the tags asked for, the mirror's refs are the remote's.
   */
  private readonly fetched = new Map<string, string | undefined>();
  /** Commits read along with their tags, until readCommit asks for them. */
  private readonly peeledCommits = new Map<string, GitObject>();
  private prepared: Promise<void> | undefined;
  private prepareError: unknown;
  private readonly invocation: GitInvocation;
  private readonly objects: GitObjectReader;
  /**
   * The mirror's objects seen through a plain repository beside it (see initMirror): asked for a
   * blob the mirror does not hold, it answers "missing" where the mirror itself, a partial clone,
   * would fetch it (or die trying) to answer.
   */
  private readonly heldBlobs: GitObjectReader;
  private readonly blobView: string;
  /** The blob fetch that collects requests while another runs, and the one running (see fetchBlobs). */
  private nextBlobFetch: { oids: Set<string>; done: Promise<void> } | undefined;
  private blobFetchRunning: Promise<void> = Promise.resolve();
  /** git commands running now (fetches, listings), stopped by close. */
  private readonly running = new Set<ChildProcess>();
  private closed = false;

  /**
   * `offline`: re-verify what the mirror holds; nothing is fetched and the remote is never asked.
   * `network`: the proxy variables git should see (as the HTTP client does) and a CA bundle file.
   */
  constructor(
    readonly url: string,
    readonly dir: string,
    private readonly limits: Limits,
    private readonly offline = false,
    network: { proxyEnv?: Readonly<Record<string, string>>; caBundleFile?: string } = {},
  ) {
    this.invocation = {
      args: gitIn(dir),
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        GIT_ASKPASS: 'true',
        GIT_PROTOCOL_FROM_USER: '0',
        GIT_ALLOW_PROTOCOL: 'https:http',
        LC_ALL: 'C',
        ...network.proxyEnv,
        ...(network.caBundleFile ? { GIT_SSL_CAINFO: network.caBundleFile } : {}),
      },
      url,
      deadlineMs: limits.gitDeadlineMs,
    };
    this.objects = new GitObjectReader(this.invocation);
    this.blobView = `${dir}.blob-view`;
    this.heldBlobs = new GitObjectReader({
      ...this.invocation,
      args: gitIn(this.blobView),
      env: { ...this.invocation.env, GIT_OBJECT_DIRECTORY: join(resolve(dir), 'objects') },
    });
  }

  /**
   * Ends the run's object readers (git exits once it has answered what was asked) and stops any
   * fetch still running: that one belongs to a release the run deadline cut off, and would
   * otherwise go on after the run, writing into the cache, until a git timeout ended it.
   */
  close(): void {
    this.closed = true;
    this.objects.close();
    this.heldBlobs.close();
    for (const child of this.running) child.kill();
  }

  /** Fetches every requested tag that exists on the remote, in a single `git fetch`. */
  prepare(tags: readonly string[]): Promise<void> {
    this.prepared ??= this.doPrepare(tags).catch((error: unknown) => {
      this.prepareError = error;
    });
    return this.prepared;
  }

  /**
   * Usually every tag asked for exists, and one fetch of exactly those tags, forced, leaves the
   * mirror's refs equal to what the remote advertised in that fetch: no `ls-remote` before it (one
   * git process and one round trip to the host fewer, cold or warm). git refuses the whole fetch
   * when one tag is missing, so when it fails the remote's tags are listed and those it has are
   * fetched, each then checked against what the listing advertised. A fetch that ran out of time
   * is not tried again that way: a host that stalls would cost the run two deadlines. Nor is one
   * refused because another run sharing the cache was writing the mirror through every try.
   */
  private async doPrepare(tags: readonly string[]): Promise<void> {
    if (this.offline) {
      if (!(await isRepository(this.dir))) throw this.notStored(`no mirror of ${this.url} in the cache (${this.dir})`);
      for (const tag of tags) this.fetched.set(tag, undefined);
      return;
    }
    await this.initMirror();
    if (tags.length === 0) return;
    try {
      await this.fetchTags(tags);
      for (const tag of tags) this.fetched.set(tag, undefined);
      return;
    } catch (error) {
      // Listing the remote's tags would neither free a held mirror nor hurry a stalled host.
      // Nor would it bound a host that answers with an endless pack.
      if (error instanceof UnavailableError && ['GIT_TIMEOUT', 'GIT_BUSY', 'LIMIT_EXCEEDED'].includes(error.reason))
        throw error;
      // Listed below: a missing tag is reported as missing, a host that cannot be reached as that.
    }
    const listing = await this.git(['ls-remote', '--tags', 'origin'], 'list the remote tags');
    const advertised = new Map<string, string>();
    for (const line of listing.toString('utf8').split('\n')) {
      const match = /^([0-9a-f]{40,64})\trefs\/tags\/([^\n^]+)$/.exec(line);
      if (match) advertised.set(match[2]!, match[1]!);
    }
    const wanted = tags.filter((tag) => advertised.has(tag));
    if (wanted.length === 0) return;
    await this.fetchTags(wanted);
    for (const tag of wanted) this.fetched.set(tag, advertised.get(tag));
  }

  private async fetchTags(tags: readonly string[]): Promise<void> {
    const refspecs = tags.map((tag) => `+refs/tags/${tag}:refs/tags/${tag}`);
    await this.git(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--depth=1',
        '--filter=blob:none',
        'origin',
        ...refspecs,
      ],
      `fetch ${tags.length} tag(s)`,
      { waitWhileBusy: true, capBytes: this.limits.gitFetchBytes * tags.length },
    );
  }

  private async initMirror(): Promise<void> {
    await this.createRepository(this.dir, 'the mirror', async (fresh) => {
      await this.git(['init', '--quiet', '--bare'], 'create the mirror', { repository: fresh });
      // The first `fetch --filter` registers origin as a partial-clone (promisor) remote itself.
      await this.git(['remote', 'add', 'origin', this.url], 'configure the mirror', { repository: fresh });
    });
    // git has no switch (before 2.44) that stops a partial clone from fetching a missing object
    // it is asked about, and a promisor remote set in a repository's config cannot be unset with
    // -c: a plain repository that borrows the mirror's object directory answers "missing" instead.
    await this.createRepository(this.blobView, "the mirror's blob view", async (fresh) => {
      await this.git(['init', '--quiet', '--bare'], "create the mirror's blob view", { repository: fresh });
    });
  }

  /**
   * Makes the repository `dir` unless it exists: built beside it and renamed into place, so that
   * another run sharing the cache never finds one half made. When two runs make it at once, the
   * first rename wins and the other's copy is removed.
   */
  private async createRepository(dir: string, what: string, build: (fresh: string) => Promise<void>): Promise<void> {
    if (await isRepository(dir)) return;
    const fresh = `${dir}.new-${randomBytes(8).toString('hex')}`;
    // Beside its place in the cache's git/ directory, which opening the cache made.
    await mkdir(fresh, { mode: 0o700 });
    try {
      await build(fresh);
      await rename(fresh, dir).catch(async (error: NodeJS.ErrnoException) => {
        if (await isRepository(dir)) return;
        throw new UnavailableError(
          'GIT_ERROR',
          `${what} could not be created at ${dir}: ${error.code ? systemErrorText(error.code) : error.message} (a directory that is not a repository is in its place; remove it)`,
          { channel: 'git', url: this.url, file: dir },
        );
      });
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }

  /**
   * What refs/tags/<name> is on the remote, read back from the mirror — with, in the same
   * request, the commit the tag peels to, which readCommit then serves without asking git again.
   */
  async readTag(name: string): Promise<RawTag> {
    await this.prepared;
    if (this.prepareError) throw this.prepareError;
    if (!this.fetched.has(name))
      throw new UnavailableError('TAG_NOT_FOUND', `the git remote ${this.url} has no tag ${name}`, {
        channel: 'git',
        url: this.url,
        release: name,
      });
    // The ref may point at anything (a lightweight tag, a tree): only a tag object's bytes are bounded and kept.
    const [object, peeled] = await this.objects.read(
      [
        { name: `refs/tags/${name}`, keep: { tag: this.limits.tagObjectBytes } },
        // Only a help for readCommit: an oversize commit is left for it to refuse, after the tag's own checks.
        { name: `refs/tags/${name}^{}`, keep: { commit: MAX_COMMIT_BYTES }, oversize: 'skip' },
      ],
      `read tag ${name}`,
    );
    if (peeled?.type === 'commit' && peeled.content.length > 0) this.peeledCommits.set(peeled.oid, peeled);
    const advertised = this.fetched.get(name);
    if (!object && this.offline) throw this.notStored(`tag ${name} is not in the mirror of ${this.url}`);
    if (!object || (advertised !== undefined && object.oid !== advertised)) {
      const expected = advertised ?? `refs/tags/${name}, fetched`;
      const actual = object?.oid ?? 'nothing';
      throw new UnavailableError(
        'TAG_FETCH',
        `tag ${name}: the remote advertised ${expected} but the mirror holds ${actual}`,
        { channel: 'git', url: this.url, expected, actual },
      );
    }
    const { oid, type, content } = object;
    return type === 'tag' ? { name, oid, objectType: type, raw: content } : { name, oid, objectType: type };
  }

  /** A commit's type as stored (it may not be a commit at all) and, for a commit, its tree id. */
  async readCommit(oid: string): Promise<{ type: string; tree?: string }> {
    this.checkOid(oid);
    let object = this.peeledCommits.get(oid);
    this.peeledCommits.delete(oid);
    object ??= (await this.objects.read([{ name: oid, keep: { commit: MAX_COMMIT_BYTES } }], `read commit ${oid}`))[0];
    if (!object)
      throw new UnavailableError('GIT_OBJECT_MISSING', `commit ${oid} is not in the mirror`, {
        channel: 'git',
        url: this.url,
      });
    if (object.type !== 'commit') return { type: object.type };
    const match = /^tree ([0-9a-f]{40,64})\n/.exec(object.content.toString('utf8'));
    if (!match) throw new IntegrityError('GIT_OBJECT', `commit ${oid} has no tree line`, { channel: 'git' });
    return { type: 'commit', tree: match[1]! };
  }

  /** Every blob (and submodule) of a tree, with mode, id and path, as `git ls-tree -r` lists them (git-tree.ts). */
  async listTree(tree: string): Promise<GitTreeEntry[]> {
    this.checkOid(tree);
    return walkTree(tree, (oids) => this.readTrees(tree, oids), this.limits.members);
  }

  private readTrees(root: string, oids: string[]): Promise<Map<string, Buffer>> {
    return this.readAllOfType(
      oids,
      'tree',
      MAX_TREE_BYTES,
      `list tree ${root}`,
      (oid) =>
        new UnavailableError('GIT_OBJECT_MISSING', `tree ${oid} is not in the mirror`, {
          channel: 'git',
          url: this.url,
        }),
    );
  }

  /** Objects by id that must all be of one type, bounded by `limit`: their bytes by id. */
  private async readAllOfType(
    oids: readonly string[],
    type: string,
    limit: number,
    what: string,
    missing: (oid: string) => Error,
    reader = this.objects,
  ): Promise<Map<string, Buffer>> {
    const objects = await reader.read(
      oids.map((oid) => ({ name: oid, keep: { [type]: limit } })),
      what,
    );
    const found = new Map<string, Buffer>();
    oids.forEach((oid, i) => {
      const object = objects[i];
      if (!object) throw missing(oid);
      found.set(oid, contentOfType(object, oid, type));
    });
    return found;
  }

  /**
   * Reads blobs by id. The shallow, blob-less fetch left them out, so those the mirror does not
   * hold yet are fetched first; one fetched by an earlier run, or for another release of this
   * one, is read without asking the remote again. git checks every object's id as it stores it.
   */
  async readBlobs(oids: readonly string[]): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(oids)];
    wanted.forEach((oid) => this.checkOid(oid));
    if (wanted.length === 0) return new Map();
    const limit = this.limits.metadataFileBytes;
    const held = await this.heldBlobs.read(
      wanted.map((oid) => ({ name: oid, keep: { blob: limit } })),
      'read blobs',
    );
    const absent = wanted.filter((_, i) => held[i] === undefined);
    if (absent.length > 0) await this.fetchBlobs(absent);
    const fetched = await this.readAllOfType(
      absent,
      'blob',
      limit,
      'read blobs',
      (oid) => new IntegrityError('GIT_OBJECT', `${oid} is not a blob in the mirror`, { channel: 'git' }),
      this.heldBlobs,
    );
    return new Map(wanted.map((oid, i) => [oid, held[i] ? contentOfType(held[i], oid, 'blob') : fetched.get(oid)!]));
  }

  /**
   * Fetches blobs together with those other releases ask for while a fetch is running: one git
   * process for the lot instead of one per release (each process is a fork of the whole verifier,
   * ~10-15 ms of system time at its size). A request made while no fetch runs starts at once.
   * When a shared fetch fails, each release whose blobs were in it fetches them again alone, so
   * one release's missing blob cannot leave another release unverified.
   */
  private async fetchBlobs(wanted: string[]): Promise<void> {
    if (this.offline)
      throw this.notStored(`${wanted.length} blob(s) the comparison reads are not in the mirror of ${this.url}`);
    if (!this.nextBlobFetch) {
      const oids = new Set<string>();
      const done = this.blobFetchRunning.then(() => {
        if (this.nextBlobFetch?.done === done) this.nextBlobFetch = undefined;
        return this.fetchBlobsNow([...oids]);
      });
      this.nextBlobFetch = { oids, done };
      this.blobFetchRunning = done.catch(() => undefined);
    }
    const batch = this.nextBlobFetch;
    for (const oid of wanted) batch.oids.add(oid);
    try {
      await batch.done;
    } catch (error) {
      if (batch.oids.size === wanted.length) throw error;
      await this.fetchBlobsNow(wanted);
    }
  }

  private async fetchBlobsNow(oids: string[]): Promise<void> {
    // One request for every blob, the way git's own promisor fetch asks.
    await this.git(
      [
        '-c',
        'fetch.negotiationAlgorithm=noop',
        'fetch',
        'origin',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--recurse-submodules=no',
        '--filter=blob:none',
        '--stdin',
      ],
      `fetch ${oids.length} blob(s)`,
      {
        maxBuffer: 1024 * 1024,
        input: `${oids.join('\n')}\n`,
        waitWhileBusy: true,
        capBytes: this.limits.gitFetchBytes,
      },
    );
  }

  /**
   * The tags the remote has, as `git ls-remote --tags` lists them (peeled entries left out); offline,
   * those the mirror holds. The run's release list takes the union of every channel's.
   */
  async listTags(): Promise<string[]> {
    if (this.offline) {
      if (!(await isRepository(this.dir))) return [];
      const refs = await this.git(['for-each-ref', '--format=%(refname)', 'refs/tags/'], "list the mirror's tags");
      return refs
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((ref) => ref.slice('refs/tags/'.length));
    }
    await this.initMirror();
    const listing = await this.git(['ls-remote', '--tags', 'origin'], 'list the remote tags');
    return [
      ...new Set(
        listing
          .toString('utf8')
          .split('\n')
          .flatMap((line) => /^[0-9a-f]{40,64}\trefs\/tags\/([^\n^]+)$/.exec(line)?.[1] ?? []),
      ),
    ];
  }

  private notStored(what: string): UnavailableError {
    return new UnavailableError('OFFLINE_NOT_STORED', `offline: ${what}; run once with the network first`, {
      channel: 'git',
      url: this.url,
      file: this.dir,
    });
  }

  private checkOid(oid: string): void {
    if (!OID.test(oid)) throw new IntegrityError('GIT_OBJECT', `"${oid}" is not an object id`, { channel: 'git' });
  }

  /**
   * Runs git on the mirror (or on `repository`). With `waitWhileBusy`, a write that git refused
   * because another git process was writing the same repository is tried again after a pause
   * (randomised, so that runs waiting together do not collide again), and ends as GIT_BUSY once
   * the pauses would pass `gitBusyWaitMs`. With `capBytes`, git is stopped once it has written
   * more than that into the repository's objects/pack (LIMIT_EXCEEDED).
   */
  private async git(
    args: string[],
    what: string,
    options: GitRunOptions & { repository?: string; waitWhileBusy?: boolean } = {},
  ): Promise<Buffer> {
    const repository = options.repository ?? this.dir;
    const context = { channel: 'git', url: this.url };
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw runEnded(what, this.url);
      const result = await this.runGit(repository, args, options);
      if (!('failure' in result)) return result.stdout;
      const { failure } = result;
      if (this.closed) throw runEnded(what, this.url);
      if (failure.overCap !== undefined) throw this.overCap(what, failure.overCap, options.capBytes!);
      if (failure.overMemory !== undefined) throw this.overMemory(what, failure.overMemory);
      if (failure.overOutput !== undefined) {
        // A host can send "remote:" messages without end, which git copies to its stderr.
        throw new LimitError(
          'LIMIT_EXCEEDED',
          `git was stopped: what ${new URL(this.url).host} sent to ${what} made git print more than ${Math.round(failure.overOutput / MiB)} MiB`,
          context,
        );
      }
      if (failure.timedOut)
        throw new UnavailableError(
          'GIT_TIMEOUT',
          `git could not ${what} from ${this.url} within ${this.limits.gitDeadlineMs} ms`,
          context,
        );
      if (!options.waitWhileBusy || !BUSY.test(failure.stderr))
        throw new UnavailableError('GIT_ERROR', `git could not ${what} from ${this.url}: ${failure.detail}`, context);
      const pause = Math.min(BUSY_FIRST_PAUSE_MS * 2 ** (attempt - 1), BUSY_LONGEST_PAUSE_MS) * (1 + Math.random() / 2);
      if (waited + pause > this.limits.gitBusyWaitMs) {
        throw new UnavailableError(
          'GIT_BUSY',
          `git could not ${what} from ${this.url}: another git process kept ${repository} busy through ${attempt} tries in ${Math.round(waited)} ms: ${failure.detail}`,
          { ...context, file: repository },
        );
      }
      waited += pause;
      await sleep(pause);
    }
  }

  private overCap(what: string, written: number, cap: number): LimitError {
    const host = new URL(this.url).host;
    return new LimitError(
      'LIMIT_EXCEEDED',
      `git was stopped: ${host} sent more than ${Math.round(cap / MiB)} MiB (${written} bytes written) to ${what}; the limit is gitFetchBytes, ${Math.round(this.limits.gitFetchBytes / MiB)} MiB a tag (--limit gitFetchBytes=)`,
      { channel: 'git', url: this.url, expected: `at most ${cap} bytes`, actual: `${written} bytes` },
    );
  }

  private overMemory(what: string, resident: number): LimitError {
    const host = new URL(this.url).host;
    return new LimitError(
      'LIMIT_EXCEEDED',
      `git was stopped: what ${host} sent to ${what} made git hold ${Math.round(resident / MiB)} MiB of memory; the limit is gitMemoryBytes, ${Math.round(this.limits.gitMemoryBytes / MiB)} MiB (--limit gitMemoryBytes=)`,
      {
        channel: 'git',
        url: this.url,
        expected: `at most ${this.limits.gitMemoryBytes} bytes`,
        actual: `${resident} bytes`,
      },
    );
  }

  /**
   * One git process. A fetch (one with `capBytes`) is watched as it writes; one that failed, was
   * stopped at the cap or ran out of time leaves no temporary pack in the mirror behind it.
   */
  private async runGit(
    repository: string,
    args: string[],
    options: GitRunOptions,
  ): Promise<{ stdout: Buffer } | { failure: GitFailure }> {
    let child: ChildProcess | undefined;
    let memory: GitMemoryWatch | undefined;
    let killed = false;
    const stop = () => {
      child?.kill('SIGTERM');
      setTimeout(() => {
        if (child && child.exitCode === null && child.signalCode === null) {
          killed = true;
          child.kill('SIGKILL');
        }
      }, STOP_GRACE_MS).unref();
    };
    const watch =
      options.capBytes === undefined ? undefined : await MirrorWriteWatch.start(repository, options.capBytes, stop);
    const result = await new Promise<{ stdout: Buffer } | { failure: GitFailure }>((resolve) => {
      const execOptions = {
        encoding: 'buffer' as const,
        maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024,
        timeout: this.limits.gitDeadlineMs,
        env: this.invocation.env,
      };
      child = execFile('git', [...gitIn(repository), ...args], execOptions, (error, stdout, stderrBytes) => {
        this.running.delete(child!);
        if (!error) return resolve({ stdout });
        resolve({
          failure: describeFailure(error, stderrBytes.toString('utf8'), {
            watch,
            memory,
            maxBuffer: execOptions.maxBuffer,
          }),
        });
      });
      this.running.add(child);
      if (child.pid !== undefined) memory = new GitMemoryWatch(child.pid, this.limits.gitMemoryBytes, stop);
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    });
    memory?.stop();
    if (watch) {
      if ('failure' in result) await watch.removeLeftovers({ locks: killed || child?.signalCode === 'SIGKILL' });
      else watch.stop();
    }
    return result;
  }
}

/** Why a git process failed: a deadline, one of the watches' bounds, Node's output bound, or git's own complaint. */
function describeFailure(
  error: ExecFileException,
  stderr: string,
  bounds: { watch?: MirrorWriteWatch; memory?: GitMemoryWatch; maxBuffer: number },
): GitFailure {
  const { watch, memory } = bounds;
  const overCap = watch?.exceeded ? { overCap: watch.written } : {};
  const overMemory = memory?.exceeded ? { overMemory: memory.resident } : {};
  // Node stops git once its output passes maxBuffer.
  const overOutput = error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? { overOutput: bounds.maxBuffer } : {};
  const stopped = watch?.exceeded === true || memory?.exceeded === true || 'overOutput' in overOutput;
  return {
    timedOut: error.killed === true && !stopped,
    stderr,
    detail: gitComplaint(stderr) || error.message,
    ...overCap,
    ...overMemory,
    ...overOutput,
  };
}

interface GitRunOptions {
  maxBuffer?: number;
  input?: string;
  /** Bytes git may write into objects/pack before it is stopped (fetches only). */
  capBytes?: number;
}

interface GitFailure {
  timedOut: boolean;
  stderr: string;
  detail: string;
  /** Set when git was stopped for writing more than its cap: the bytes it had written. */
  overCap?: number;
  /** Set when git was stopped for holding more memory than gitMemoryBytes: its resident bytes. */
  overMemory?: number;
  /** Set when Node stopped git for printing more than this many bytes on stdout or stderr. */
  overOutput?: number;
}

/** Whether `dir` already holds a repository (made by an earlier run), by the HEAD file git itself looks for. */
function isRepository(dir: string): Promise<boolean> {
  return access(join(dir, 'HEAD')).then(
    () => true,
    () => false,
  );
}

/** An object's bytes, once it is the object asked for and of the type expected. */
function contentOfType(object: GitObject, oid: string, type: string): Buffer {
  if (object.oid !== oid || object.type !== type)
    throw new IntegrityError('GIT_OBJECT', `${oid} is a ${object.type}, not a ${type}`, { channel: 'git' });
  return object.content;
}
