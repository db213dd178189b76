import { type FileHandle, open } from 'node:fs/promises';
import { parseStrictJson, StrictJsonError } from '../formats/strict-json.js';
import { type ReleaseReport, type ReleaseSummary, type ReportSource, type RunReportHead, summarize } from './model.js';
import { releaseVerdict, type RunCounts, runOutcome } from '../model/verdict.js';
import { readRange } from './read-range.js';
import { checkRelease, checkReportHead, ReportShapeError } from './report-shape.js';
import { READ_FLAGS, resolveUserFile } from '../io/local-files.js';

/** Where one JSON value lies in the file, in bytes. */
interface ByteRange {
  start: number;
  end: number;
}

/** A value of the head (anything but the releases) larger than this is not a report's. */
const MAX_HEAD_VALUE_BYTES = 1024 * 1024;
/** One release's JSON: a release with every one of 10k members different stays far below. */
const MAX_RELEASE_BYTES = 64 * 1024 * 1024;
const MAX_KEY_BYTES = 256;
const CHUNK_BYTES = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** The bytes a JSON value can start with: { [ " - 0-9 t f n. */
const VALUE_START = new Set([...'{["-0123456789tfn'].map((c) => c.charCodeAt(0)));
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * A saved JSON report read as a report source, a release at a time, so that rendering a report
 * of every release holds one release, as writing it did: parsing the whole file made memory grow
 * with the number of releases.
 *
 * One pass over the file finds the top-level keys and where each release lies; the structure
 * around them (braces, brackets, commas, colons, keys) is checked here, and every value is then
 * parsed by the strict parser (duplicate and prototype keys refused, depth bounded) from its own
 * bytes, so the file as a whole is held to the same grammar.
 */
export class SavedReport {
  private constructor(
    private readonly handle: FileHandle,
    readonly source: ReportSource,
  ) {}

  static async open(path: string): Promise<SavedReport> {
    // Read by position, a release at a time, so only a regular file will do (not a pipe, nor a
    // FIFO, which would wait for a writer).
    const handle = await open(resolveUserFile(path), READ_FLAGS);
    try {
      const layout = await scanLayout(handle);
      const fields: Record<string, unknown> = {};
      for (const [key, range] of layout.head)
        fields[key] = await parseRange(handle, range, MAX_HEAD_VALUE_BYTES, `"${key}"`);
      const head = checkReportHead(fields);
      const ranges = new Map<ReleaseSummary, ByteRange>();
      const summaries: ReleaseSummary[] = [];
      for (const [index, range] of layout.releases.entries()) {
        const release = checkRelease(
          await parseRange(handle, range, MAX_RELEASE_BYTES, `release ${index + 1}`),
          `release ${index + 1}`,
        );
        checkReleaseVerdict(release);
        const summary = summarize(release);
        ranges.set(summary, range);
        summaries.push(summary);
      }
      checkRunVerdict(head, summaries);
      const source: ReportSource = {
        head,
        summaries,
        async *releases(only) {
          for (const summary of summaries) {
            if (!only || only(summary))
              yield checkRelease(
                await parseRange(handle, ranges.get(summary)!, MAX_RELEASE_BYTES, `release ${summary.version}`),
                `release ${summary.version}`,
              );
          }
        },
      };
      return new SavedReport(handle, source);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function parseRange(handle: FileHandle, range: ByteRange, limit: number, what: string): Promise<unknown> {
  const length = range.end - range.start;
  if (length > limit) throw new StrictJsonError(`${what} takes ${length} bytes, more than ${limit}`);
  const bytes = await readRange(handle, range.start, length);
  if (bytes.length !== length) throw new StrictJsonError(`the file changed while it was read (${what})`);
  try {
    return parseStrictJson(bytes.toString('utf8'));
  } catch (error) {
    throw new StrictJsonError(`${what} (bytes ${range.start}–${range.end}): ${(error as Error).message}`);
  }
}

type State =
  | 'open'
  | 'key-or-close'
  | 'key'
  | 'colon'
  | 'value'
  | 'after-value'
  | 'release-or-close'
  | 'release'
  | 'after-release'
  | 'done';

/**
 * Walks the file once, byte by byte (JSON's structural characters are ASCII, and no byte of a
 * multi-byte UTF-8 character is one), and returns where the head's values and the releases lie.
 */
async function scanLayout(handle: FileHandle): Promise<{ head: Map<string, ByteRange>; releases: ByteRange[] }> {
  const head = new Map<string, ByteRange>();
  const releases: ByteRange[] = [];
  const seenKeys = new Set<string>();
  let state: State = 'open';
  let first = true;
  let key = '';
  let keyBytes: number[] = [];
  let keyEscaped = false;
  let value: ValueScanner | undefined;
  let position = 0;
  const fail = (what: string): never => {
    throw new StrictJsonError(`${what} at byte ${position}`);
  };
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++, position++) {
      const b = buffer[i]!;
      // A literal ends at the byte after it, which the state after the value then reads.
      if (value) {
        if (value.feed(b)) {
          if (value.complete) finishValue(position + 1);
          continue;
        }
        finishValue(position);
      }
      // `as State`: finishValue (a closure) may have moved the state, which TypeScript cannot see.
      switch (state as State) {
        case 'open':
          if (isSpace(b)) break;
          if (b !== OPEN_OBJECT) fail('a report is a JSON object');
          state = 'key-or-close';
          break;
        case 'key-or-close':
          if (isSpace(b)) break;
          if (b === CLOSE_OBJECT && first) state = 'done';
          else if (b === QUOTE) {
            state = 'key';
            keyBytes = [b];
          } else fail(first ? 'expected a key or "}"' : 'expected a key');
          break;
        case 'key':
          if (keyBytes.length >= MAX_KEY_BYTES) fail(`a key longer than ${MAX_KEY_BYTES} bytes`);
          keyBytes.push(b);
          if (keyEscaped) keyEscaped = false;
          else if (b === BACKSLASH) keyEscaped = true;
          else if (b === QUOTE) {
            key = parseStrictJson(Buffer.from(keyBytes).toString('utf8')) as string;
            if (key === '__proto__' || key === 'constructor' || key === 'prototype') fail(`forbidden key "${key}"`);
            if (seenKeys.has(key)) fail(`duplicate key "${key}"`);
            seenKeys.add(key);
            state = 'colon';
          }
          break;
        case 'colon':
          if (isSpace(b)) break;
          if (b !== COLON) fail('expected ":"');
          state = 'value';
          value = undefined;
          break;
        case 'value':
          // Before the value starts; once started, the value's scanner reads its bytes (above).
          if (isSpace(b)) break;
          if (key === 'releases') {
            if (b !== OPEN_ARRAY) fail('"releases" must be an array');
            state = 'release-or-close';
            first = true;
            break;
          }
          startValue(b);
          break;
        case 'after-value':
          afterItem(b, CLOSE_OBJECT, 'key-or-close', 'done');
          break;
        case 'release-or-close':
          if (isSpace(b)) break;
          if (b === CLOSE_ARRAY && first) {
            state = 'after-value';
            break;
          }
          state = 'release';
          startValue(b);
          break;
        case 'release':
          // Never: a release's bytes go to its scanner from its first byte on.
          fail('internal: a release without a scanner');
          break;
        case 'after-release':
          afterItem(b, CLOSE_ARRAY, 'release-or-close', 'after-value');
          break;
        case 'done':
          if (!isSpace(b)) fail('trailing data');
          break;
      }
    }
  }
  if (state !== 'done') fail('the report ends early');
  if (!seenKeys.has('releases')) fail('no "releases" in the report');
  return { head, releases };

  /** Between two members of an object or two elements of an array: a comma, or the closing byte. */
  function afterItem(b: number, close: number, next: State, closed: State): void {
    if (isSpace(b)) return;
    if (b === COMMA) {
      state = next;
      first = false;
    } else if (b === close) state = closed;
    else fail(`expected "," or "${String.fromCharCode(close)}"`);
  }

  function startValue(b: number): void {
    if (!VALUE_START.has(b)) fail('expected a value');
    value = new ValueScanner(position);
    value.feed(b);
    if (value.complete) finishValue(position + 1);
  }

  function finishValue(end: number): void {
    const range = { start: value!.start, end };
    if (state === 'release') {
      releases.push(range);
      state = 'after-release';
    } else {
      head.set(key, range);
      state = 'after-value';
    }
    value = undefined;
  }
}

/** Finds where one JSON value ends, without parsing it: nesting, strings and their escapes. */
class ValueScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private isLiteral = false;
  complete = false;

  constructor(readonly start: number) {}

  /** Takes the value's next byte; false for the byte just after a literal, which is not the value's. */
  feed(b: number): boolean {
    if (!this.started) {
      this.started = true;
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth = 1;
      else this.isLiteral = true;
      return true;
    }
    if (this.isLiteral) {
      if (isSpace(b) || b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        this.complete = true;
        return false;
      }
      return true;
    }
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      else if (b === QUOTE) {
        this.inString = false;
        if (this.depth === 0) this.complete = true;
      }
      return true;
    }
    if (b === QUOTE) this.inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth++;
    else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      this.depth--;
      if (this.depth === 0) this.complete = true;
    }
    return true;
  }
}

/**
 * The verdicts a saved report states must be the ones its checks give, worked out as crosscheck
 * works them out: `crosscheck report` renders them and exits with the run's, and a report
 * edited to say "pass" over a failed check (or one damaged) must not be restated as a pass.
 */
function checkReleaseVerdict(release: ReleaseReport): void {
  const expected = releaseVerdict(release.checks);
  if (release.verdict !== expected)
    throw new ReportShapeError(
      `release ${release.version} says "${release.verdict}", but its checks make it "${expected}"`,
    );
}

function checkRunVerdict(head: RunReportHead, releases: readonly ReleaseSummary[]): void {
  const expected = runOutcome(releases, head.listingProblems ?? []);
  if (head.verdict !== expected.verdict)
    throw new ReportShapeError(`the report says "${head.verdict}", but its releases make it "${expected.verdict}"`);
  for (const [field, count] of Object.entries(expected.summary)) {
    const stated = head.summary[field as keyof RunCounts];
    if (stated !== count)
      throw new ReportShapeError(`the report's summary gives ${stated} for "${field}", but it holds ${count}`);
  }
}
