import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ArchiveMember } from '../../src/formats/archive/member.js';
import { ROOT } from './paths.js';

const run = promisify(execFile);

export interface OracleMember {
  name: string;
  type: string;
  size: number;
  sha256: string | null;
}
export type OracleResult = { ok: true; members: OracleMember[] } | { ok: false; error: string };

/** Lists archives as CPython's tarfile/zipfile (pip's libraries) see them, many per call. */
export async function pythonListings(paths: string[]): Promise<OracleResult[]> {
  if (paths.length === 0) return [];
  const { stdout } = await run('python3', [join(ROOT, 'tests', 'oracle', 'list_archive.py'), ...paths], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OracleResult);
}

/** crosscheck's listing in the oracle's shape, sorted, for an exact comparison. */
export function asOracle(members: readonly ArchiveMember[]): OracleMember[] {
  return sortMembers(
    members.map((m) => ({ name: m.path, type: m.type, size: m.size, sha256: m.type === 'file' ? m.sha256 : null })),
  );
}

export function sortMembers(members: OracleMember[]): OracleMember[] {
  return [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
