import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UnavailableError } from '../model/errors.js';
import { type ReleaseReport, type ReleaseSummary, type ReportSource, type RunReportHead, summarize } from './model.js';
import { readRange } from './read-range.js';

interface SpooledRecord {
  position: number;
  length: number;
  sha256: string;
}

/**
 * Finished releases wait on disk until the report is written, so that a run's memory does not
 * grow with its releases: a release's checks and differences take tens of kilobytes, a run over
 * every release of a project holds hundreds. Memory keeps each release's summary only.
 *
 * The file lives in the cache directory (the only place crosscheck writes) and is unlinked as
 * soon as it is open. What is read back must hash to what was written, so a file changed behind
 * the run's back cannot change a report: the verdicts come from memory, and a changed release
 * stops the report instead of appearing in it.
 */
export class ReleaseSpool {
  private readonly records = new Map<ReleaseSummary, SpooledRecord>();
  private end = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
  ) {}

  static async create(dir: string): Promise<ReleaseSpool> {
    const path = join(dir, `report-${randomBytes(12).toString('hex')}.jsonl`);
    const handle = await open(
      path,
      constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    // Unlinked while open (POSIX keeps the file for the handle): nothing is left behind, even by a killed run.
    await rm(path, { force: true });
    return new ReleaseSpool(handle, path);
  }

  /** Writes the release to the spool and returns what memory keeps of it. */
  async add(release: ReleaseReport): Promise<ReleaseSummary> {
    const bytes = Buffer.from(`${JSON.stringify(release)}\n`, 'utf8');
    const record = {
      position: this.end,
      length: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    // Positions are handed out before the write, so releases finishing together write side by side.
    this.end += bytes.length;
    try {
      await this.writeFully(bytes, record.position);
    } catch (error) {
      throw new UnavailableError(
        'REPORT_SPOOL_WRITE',
        `cannot keep the report of release ${release.version} in the cache directory until the run ends (${(error as Error).message})`,
        { file: this.path },
      );
    }
    const summary = summarize(release);
    this.records.set(summary, record);
    return summary;
  }

  /** The spooled releases in the order of `summaries` (each returned by add), as a report source. */
  source(head: RunReportHead, summaries: readonly ReleaseSummary[]): ReportSource {
    // An async generator cannot be an arrow function, so `this` is held by name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const spool = this;
    return {
      head,
      summaries,
      async *releases(only) {
        for (const summary of summaries) if (!only || only(summary)) yield await spool.read(summary);
      },
    };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async read(summary: ReleaseSummary): Promise<ReleaseReport> {
    const record = this.records.get(summary);
    if (!record) throw new Error(`release ${summary.version} was never spooled`);
    const bytes = await readRange(this.handle, record.position, record.length);
    if (bytes.length !== record.length || createHash('sha256').update(bytes).digest('hex') !== record.sha256) {
      throw new UnavailableError(
        'REPORT_SPOOL_CHANGED',
        `the report of release ${summary.version}, kept on disk while the run went on, changed there (${this.path}); the report stops here rather than show it`,
        {
          file: this.path,
          expected: record.sha256,
        },
      );
    }
    return JSON.parse(bytes.toString('utf8')) as ReleaseReport;
  }

  private async writeFully(bytes: Buffer, position: number): Promise<void> {
    for (let written = 0; written < bytes.length;) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written, position + written);
      written += bytesWritten;
    }
  }
}
