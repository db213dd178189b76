import type { ArchiveMember } from '../../formats/archive/member.js';
import { quote } from '../../model/errors.js';
import type { Difference } from '../../model/difference.js';

const CHECK = 'content.wheel-record';

export class RecordFormatError extends Error {}

export interface RecordRow {
  path: string;
  hash: string;
  size: string;
  line: number;
}

/**
 * Parses RECORD strictly (threat catalog ): CSV with `\n` line ends, exactly three
 * fields, RFC 4180 quoting, no BOM or carriage return, a newline after the last row, and no
 * path listed twice.
 */
export function parseRecord(text: string): RecordRow[] {
  if (text.startsWith('\ufeff')) throw new RecordFormatError('RECORD starts with a byte-order mark');
  if (text.includes('\r')) throw new RecordFormatError('RECORD contains a carriage return');
  if (!text.endsWith('\n')) throw new RecordFormatError('RECORD does not end with a newline');
  const rows: RecordRow[] = [];
  const seen = new Set<string>();
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[pos] === '"') {
        pos++;
        for (;;) {
          const quote = text.indexOf('"', pos);
          if (quote < 0) throw new RecordFormatError(`row ${line}: unterminated quoted field`);
          value += text.slice(pos, quote);
          pos = quote + 1;
          if (text[pos] === '"') {
            value += '"';
            pos++;
            continue;
          }
          break;
        }
      } else {
        const end = /[,\n"]/g;
        end.lastIndex = pos;
        const match = end.exec(text);
        const stop = match ? match.index : text.length;
        if (match?.[0] === '"') throw new RecordFormatError(`row ${line}: a quote inside an unquoted field`);
        value = text.slice(pos, stop);
        pos = stop;
      }
      fields.push(value);
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '\n') {
        pos++;
        break;
      }
      throw new RecordFormatError(`row ${line}: unexpected character after a field`);
    }
    if (fields.length !== 3) throw new RecordFormatError(`row ${line} has ${fields.length} fields, not 3`);
    const [path, hash, size] = fields as [string, string, string];
    if (seen.has(path)) throw new RecordFormatError(`row ${line}: ${path} is listed twice`);
    seen.add(path);
    rows.push({ path, hash, size, line });
    line++;
  }
  return rows;
}

const SIGNATURE_FILES = /\/RECORD(\.jws|\.p7s)?$/;

/**
 * RECORD must list every file of the wheel — and nothing else — with `sha256=` + the urlsafe
 * base64 (no padding) digest and the exact size. Only RECORD and its signature files carry no
 * hash. Compared as exact strings, never decoded leniently (R-01…R-03).
 */
export function checkRecord(distInfo: string, recordText: string, members: readonly ArchiveMember[]): Difference[] {
  const recordPath = `${distInfo}/RECORD`;
  const failure = (path: string, detail: string, digests: Record<string, string> = {}): Difference => ({
    check: CHECK,
    path,
    kind: 'record',
    digests,
    allowed: false,
    detail,
  });
  let rows: RecordRow[];
  try {
    rows = parseRecord(recordText);
  } catch (error) {
    return [failure(recordPath, `RECORD is malformed: ${(error as Error).message}`)];
  }
  const files = new Map(members.filter((m) => m.type === 'file').map((m) => [m.path, m]));
  const differences: Difference[] = [];
  const listed = new Set<string>();
  for (const row of rows) {
    listed.add(row.path);
    const member = files.get(row.path);
    if (SIGNATURE_FILES.test(row.path) && row.path.startsWith(`${distInfo}/`)) {
      if (row.path === recordPath && (row.hash !== '' || row.size !== ''))
        differences.push(failure(row.path, "RECORD's own row must have an empty hash and size"));
      if (!member) differences.push(failure(row.path, 'listed in RECORD but not in the wheel'));
      continue;
    }
    if (!member) {
      differences.push(failure(row.path, 'listed in RECORD but not in the wheel'));
      continue;
    }
    const expected = `sha256=${Buffer.from(member.sha256, 'hex').toString('base64url')}`;
    if (!/^sha256=[A-Za-z0-9_-]{43}$/.test(row.hash)) {
      differences.push(
        failure(row.path, `hash field ${quote(row.hash)} is not sha256=<43 urlsafe base64 characters>`, {
          wheel: member.sha256,
        }),
      );
    } else if (row.hash !== expected) {
      differences.push(
        failure(row.path, `RECORD says ${row.hash}; the member hashes to ${expected}`, {
          wheel: member.sha256,
          record: row.hash,
        }),
      );
    } else if (!/^(0|[1-9][0-9]*)$/.test(row.size) || Number(row.size) !== member.size) {
      differences.push(
        failure(row.path, `RECORD says ${quote(row.size)} bytes; the member has ${member.size}`, {
          wheel: member.sha256,
        }),
      );
    }
  }
  if (!listed.has(recordPath)) differences.push(failure(recordPath, 'RECORD does not list itself'));
  for (const path of files.keys()) {
    if (!listed.has(path))
      differences.push(
        failure(path, 'in the wheel but not listed in RECORD (an installer would not know it was added)', {
          wheel: files.get(path)!.sha256,
        }),
      );
  }
  return differences;
}
