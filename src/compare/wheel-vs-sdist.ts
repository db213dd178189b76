import { createHash } from 'node:crypto';
import type { ArchiveMember } from '../archive/member.js';
import type { Difference } from './difference.js';
import type { Policy } from './policy.js';

/**
 * A file the wheel is compared with: the sdist's (path under its top directory) or the tag's. An
 * sdist file has its SHA-256, and is compared by it; a tag's file has only the id git gives it.
 */
export interface SourceFile {
  blobId: string;
  sha256?: string;
}

export interface WheelVsSourceInput {
  wheel: readonly ArchiveMember[];
  /** The source's files by path relative to the project root. */
  source: ReadonlyMap<string, SourceFile>;
  /** "sdist" or "git": names the other side in the report. */
  sourceLabel: string;
  /** Bytes of the source's script files, by path. */
  sourceContent: ReadonlyMap<string, Buffer>;
  policy: Policy;
  check: string;
}

/** The basenames of the wheel's scripts, so their sources' bytes can be kept for the comparison. */
export function wheelScriptNames(wheel: readonly ArchiveMember[]): Set<string> {
  return new Set(wheel.filter((m) => /^[^/]+\.data\/scripts\/[^/]+$/.test(m.path)).map((m) => m.path.split('/').pop()!));
}

/** An sdist listing as a comparison source: files under the top directory, by relative path. */
export function sdistAsSource(members: readonly ArchiveMember[], topDirectory: string): Map<string, SourceFile> {
  const prefix = `${topDirectory}/`;
  return new Map(members.filter((m) => m.type === 'file' && m.path.startsWith(prefix)).map((m) => [m.path.slice(prefix.length), { blobId: m.blobId, sha256: m.sha256 }]));
}

/**
 * Every file the wheel installs must be the source's file of the same path, byte for byte (by
 * SHA-256 where the source has it, the sdist; by git blob id against a tag, the only digest git
 * gives); scripts may differ only by the `#!python` shebang bdist_wheel writes. dist-info
 * is checked by the RECORD and metadata checks. Any other .data/ directory or a root .pth file
 * is reported.
 */
export function compareWheelWithSource(input: WheelVsSourceInput): { differences: Difference[]; identical: number } {
  const { check, sourceLabel } = input;
  const differences: Difference[] = [];
  let identical = 0;
  for (const member of input.wheel) {
    if (member.type !== 'file') continue;
    const { path } = member;
    if (/^[^/]+\.dist-info\//.test(path) && input.policy.rule('only-in-wheel', path)) continue;
    const wheelDigests = { wheel: member.sha256, 'wheel-blob': member.blobId };
    const script = /^[^/]+\.data\/scripts\/([^/]+)$/.exec(path);
    if (script) {
      differences.push(compareScript(path, script[1]!, member, input));
      continue;
    }
    if (/^[^/]+\.data\//.test(path) || (!path.includes('/') && path.endsWith('.pth'))) {
      differences.push({ check, path, kind: 'only-in-wheel', digests: wheelDigests, allowed: false, detail: path.endsWith('.pth') ? 'a .pth file runs code at interpreter start-up' : 'installed outside the package from a .data directory' });
      continue;
    }
    const source = input.source.get(path);
    if (!source) {
      const waiver = input.policy.waiver(path, wheelDigests);
      differences.push({ check, path, kind: 'only-in-wheel', digests: wheelDigests, allowed: Boolean(waiver), ...(waiver ? { waiver: waiver.reason } : {}), detail: `not in the ${sourceLabel}` });
      continue;
    }
    if (source.sha256 === undefined ? source.blobId === member.blobId : source.sha256 === member.sha256) {
      identical++;
      continue;
    }
    const digests = { ...wheelDigests, ...(source.sha256 === undefined ? {} : { [sourceLabel]: source.sha256 }), [`${sourceLabel}-blob`]: source.blobId };
    const waiver = input.policy.waiver(path, digests);
    const detail = source.sha256 === undefined ? `wheel blob ${member.blobId}, ${sourceLabel} blob ${source.blobId}` : `wheel SHA-256 ${member.sha256}, ${sourceLabel} SHA-256 ${source.sha256}`;
    differences.push({ check, path, kind: 'content', digests, allowed: Boolean(waiver), ...(waiver ? { waiver: waiver.reason } : {}), detail });
  }
  return { differences, identical };
}

function compareScript(path: string, name: string, member: ArchiveMember, input: WheelVsSourceInput): Difference {
  const candidates = [...input.source.keys()].filter((p) => p.split('/').pop() === name && input.sourceContent.has(p));
  const digests: Record<string, string> = { wheel: member.sha256 };
  const rule = input.policy.rule('script-shebang', path);
  for (const candidate of candidates) {
    const original = input.sourceContent.get(candidate)!;
    if (!original.subarray(0, 2).equals(Buffer.from('#!'))) continue;
    const newline = original.indexOf(0x0a);
    const rewritten = Buffer.concat([Buffer.from('#!python\n'), newline >= 0 ? original.subarray(newline + 1) : Buffer.alloc(0)]);
    if (createHash('sha256').update(rewritten).digest('hex') === member.sha256) {
      return { check: input.check, path, kind: 'content', digests: { ...digests, [`${input.sourceLabel}-blob`]: input.source.get(candidate)!.blobId }, allowed: Boolean(rule), ...(rule ? { rule: rule.name } : {}), detail: `${candidate} with its first line rewritten to #!python` };
    }
  }
  return { check: input.check, path, kind: 'content', digests, allowed: false, detail: candidates.length > 0 ? `differs from ${candidates.join(', ')} by more than the shebang line` : `no script named ${name} in the ${input.sourceLabel}` };
}
