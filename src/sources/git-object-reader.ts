import { type ChildProcess, spawn } from 'node:child_process';
import { IntegrityError, UnavailableError } from '../model/errors.js';

/** What a git command asked for after the run's mirror was closed ends as: nothing more is started. */
export function runEnded(what: string, url: string): UnavailableError {
  return new UnavailableError('GIT_ERROR', `git could not ${what} from ${url}: the run has ended`, {
    channel: 'git',
    url,
  });
}

export interface GitObject {
  oid: string;
  type: string;
  content: Buffer;
}

/** One object for `cat-file --batch`; its bytes are kept only for the types in `keep`, within their limits. */
export interface ObjectRequest {
  name: string;
  keep: Partial<Record<string, number>>;
  /** What an object over its limit does: fail the read (the default) or come back without its bytes. */
  oversize?: 'fail' | 'skip';
}

/** How git is started for a mirror: its arguments before the command, and its environment. */
export interface GitInvocation {
  args: string[];
  env: NodeJS.ProcessEnv;
  url: string;
  deadlineMs: number;
}

interface Batch {
  requests: readonly ObjectRequest[];
  results: (GitObject | undefined)[];
  what: string;
  error?: Error;
  timer: NodeJS.Timeout;
  resolve: (objects: (GitObject | undefined)[]) => void;
  reject: (error: Error) => void;
}

interface ObjectInFlight {
  oid: string;
  type: string;
  /** Content bytes plus the newline git writes after them. */
  remaining: number;
  parts?: Buffer[];
}

const MAX_HEADER_BYTES = 1024;
/** An object whose bytes are not kept still streams through the pipe; past this, git is stopped instead. */
const MAX_SKIPPED_BYTES = 64 * 1024 * 1024;
const STDERR_TAIL_BYTES = 4096;

/**
 * What git said on stderr, on one line: its last `fatal:` or `error:` line, which gives the
 * reason even when advice follows it (a held lock is explained in five more lines); otherwise
 * the last two lines; clipped after 500 characters.
 */
export function gitComplaint(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const complaint = lines.findLast((line) => /^(?:fatal|error): /.test(line)) ?? lines.slice(-2).join(' ');
  // What the host sent ("remote: …" lines) can be any length.
  return complaint.length > MAX_COMPLAINT_CHARS
    ? `${complaint.slice(0, MAX_COMPLAINT_CHARS)}… (${complaint.length} characters)`
    : complaint;
}
const MAX_COMPLAINT_CHARS = 500;

/**
 * One `git cat-file --batch` for a whole run, answering every object read in order. Each git
 * process is a fork of this whole verifier, whose cost grows with its memory: a process per read
 * cost ~10 ms of system time each, four times per release. Batches from concurrent releases are
 * queued; git answers them in the order they were written.
 */

export class GitObjectReader {
  private child: ChildProcess | undefined;
  private readonly queue: Batch[] = [];
  private headerParts: Buffer[] = [];
  private headerBytes = 0;
  private inFlight: ObjectInFlight | undefined;
  private answered = 0;
  private stderrTail = '';
  private closed = false;

  constructor(
    private readonly git: GitInvocation,
    private readonly maxSkippedBytes = MAX_SKIPPED_BYTES,
  ) {}

  /** For each request, its id, type and bytes (kept as the request asks), or undefined when it is missing. */
  read(requests: readonly ObjectRequest[], what: string): Promise<(GitObject | undefined)[]> {
    if (requests.length === 0) return Promise.resolve([]);
    // Work started early can outlive its run; a git started for it then would hold the process open.
    if (this.closed) return Promise.reject(runEnded(what, this.git.url));
    const child = this.child ?? this.start();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.abort(
            (batch) =>
              new UnavailableError(
                'GIT_TIMEOUT',
                `git could not ${batch.what} from ${this.git.url} within ${this.git.deadlineMs} ms`,
                { channel: 'git', url: this.git.url },
              ),
          ),
        this.git.deadlineMs,
      );
      timer.unref();
      this.queue.push({ requests, results: [], what, timer, resolve, reject });
      child.stdin!.write(`${requests.map((r) => r.name).join('\n')}\n`);
    });
  }

  /** Lets git exit once it has answered what was asked; later reads fail at once. */
  close(): void {
    this.closed = true;
    this.child?.stdin?.end();
  }

  private start(): ChildProcess {
    const child = spawn('git', [...this.git.args, 'cat-file', '--batch'], {
      env: this.git.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stderrTail = '';
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (chunk: Buffer) => {
      // What a stopped git still had in the pipe belongs to reads that have already failed.
      if (this.child !== child) return;
      try {
        this.consume(chunk);
      } catch (error) {
        this.abort(() => error as Error);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    child.on('error', (error) => {
      if (this.child === child) this.abort((batch) => this.gitError(batch, error.message));
    });
    child.on('close', (code, signal) => {
      if (this.child === child)
        this.abort((batch) => this.gitError(batch, `cat-file ended (${signal ?? `exit code ${code}`})`));
    });
    return child;
  }

  private consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const object = this.inFlight;
      if (object) {
        const take = Math.min(object.remaining, chunk.length - pos);
        object.parts?.push(chunk.subarray(pos, pos + take));
        object.remaining -= take;
        pos += take;
        if (object.remaining === 0) this.finishObject(object);
        continue;
      }
      const lineEnd = chunk.indexOf(0x0a, pos);
      const end = lineEnd < 0 ? chunk.length : lineEnd;
      this.headerParts.push(chunk.subarray(pos, end));
      this.headerBytes += end - pos;
      if (this.headerBytes > MAX_HEADER_BYTES)
        throw new IntegrityError('GIT_OBJECT', 'git cat-file sent a header line over 1 KiB', { channel: 'git' });
      if (lineEnd < 0) return;
      pos = lineEnd + 1;
      const header = Buffer.concat(this.headerParts).toString('latin1');
      this.headerParts = [];
      this.headerBytes = 0;
      this.onHeader(header);
    }
  }

  private onHeader(header: string): void {
    const batch = this.queue[0];
    if (!batch)
      throw new IntegrityError(
        'GIT_OBJECT',
        `git cat-file answered what was not asked: ${JSON.stringify(header.slice(0, 120))}`,
        { channel: 'git' },
      );
    const { name, keep, oversize } = batch.requests[this.answered]!;
    if (header.endsWith(' missing')) {
      this.answer(undefined);
      return;
    }
    const match = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/.exec(header);
    if (!match)
      throw new IntegrityError(
        'GIT_OBJECT',
        `unexpected cat-file header for ${name}: ${JSON.stringify(header.slice(0, 120))}`,
        { channel: 'git' },
      );
    const size = Number(match[3]);
    const limit = Object.hasOwn(keep, match[2]!) ? keep[match[2]!] : undefined;
    const tooLarge = limit !== undefined && size > limit;
    if (tooLarge && oversize !== 'skip') {
      batch.error ??= new UnavailableError(
        'LIMIT_EXCEEDED',
        `${name} (${match[1]}) is ${size} bytes, over the ${limit}-byte limit to ${batch.what}`,
        { channel: 'git' },
      );
    }
    const kept = limit !== undefined && !tooLarge;
    if (!kept && size > this.maxSkippedBytes) {
      throw new UnavailableError(
        'LIMIT_EXCEEDED',
        `${name} (${match[1]}) is ${size} bytes, too large to pass over to ${batch.what}`,
        { channel: 'git' },
      );
    }
    const object: ObjectInFlight = {
      oid: match[1]!,
      type: match[2]!,
      remaining: size + 1,
      ...(kept ? { parts: [] } : {}),
    };
    this.inFlight = object;
  }

  private finishObject(object: ObjectInFlight): void {
    this.inFlight = undefined;
    const content = object.parts ? Buffer.concat(object.parts) : Buffer.alloc(0);
    if (object.parts && content[content.length - 1] !== 0x0a)
      throw new IntegrityError('GIT_OBJECT', `git cat-file did not end ${object.oid} with a newline`, {
        channel: 'git',
      });
    this.answer({
      oid: object.oid,
      type: object.type,
      content: object.parts ? content.subarray(0, content.length - 1) : content,
    });
  }

  private answer(object: GitObject | undefined): void {
    const batch = this.queue[0]!;
    batch.results.push(object);
    this.answered++;
    if (this.answered < batch.requests.length) return;
    this.queue.shift();
    this.answered = 0;
    clearTimeout(batch.timer);
    if (batch.error) batch.reject(batch.error);
    else batch.resolve(batch.results);
  }

  /** Fails every pending read and stops git; the next read starts a new one. */
  private abort(errorFor: (batch: Batch) => Error): void {
    const child = this.child;
    this.child = undefined;
    child?.kill();
    this.inFlight = undefined;
    this.headerParts = [];
    this.headerBytes = 0;
    this.answered = 0;
    for (const batch of this.queue.splice(0)) {
      clearTimeout(batch.timer);
      batch.reject(errorFor(batch));
    }
  }

  private gitError(batch: Batch, detail: string): UnavailableError {
    const stderr = gitComplaint(this.stderrTail);
    return new UnavailableError('GIT_ERROR', `git could not ${batch.what} from ${this.git.url}: ${stderr || detail}`, {
      channel: 'git',
      url: this.git.url,
    });
  }
}
