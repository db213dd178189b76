import { createHash } from 'node:crypto';
import type { ArchiveMember } from '../archive/member.js';
import type { Difference } from './difference.js';
import type { Policy } from './policy.js';

export interface WheelVsSdistInput {
  wheel: readonly ArchiveMember[];
  sdist: readonly ArchiveMember[];
  topDirectory: string;
  /** Bytes of the sdist's script sources, by path relative to the top directory. */
  sdistContent: ReadonlyMap<string, Buffer>;
  policy: Policy;
}

const CHECK = 'content.wheel-vs-sdist';

/** The basenames of the wheel's scripts, so the sdist reader can keep their sources' bytes. */
export function wheelScriptNames(wheel: readonly ArchiveMember[]): Set<string> {
  return new Set(wheel.filter((m) => /^[^/]+\.data\/scripts\/[^/]+$/.test(m.path)).map((m) => m.path.split('/').pop()!));
}

/**
 * Every file the wheel installs must be the sdist's file of the same path, byte for byte;
 * scripts may differ only by the `#!python` shebang bdist_wheel writes. dist-info is checked by
 * the RECORD and metadata checks. Any other .data/ directory or a root .pth file is reported.
 */
export function compareWheelWithSdist(input: WheelVsSdistInput): { differences: Difference[]; identical: number } {
  const prefix = `${input.topDirectory}/`;
  const sdist = new Map(input.sdist.filter((m) => m.type === 'file' && m.path.startsWith(prefix)).map((m) => [m.path.slice(prefix.length), m]));
  const differences: Difference[] = [];
  let identical = 0;
  for (const member of input.wheel) {
    if (member.type !== 'file') continue;
    const { path } = member;
    const distInfoRule = /^[^/]+\.dist-info\//.test(path) ? input.policy.rule('only-in-wheel', path) : undefined;
    if (distInfoRule) continue; // covered by content.wheel-record and content.wheel-metadata
    const script = /^[^/]+\.data\/scripts\/([^/]+)$/.exec(path);
    if (script) {
      differences.push(compareScript(path, script[1]!, member, sdist, input));
      continue;
    }
    if (/^[^/]+\.data\//.test(path) || (!path.includes('/') && path.endsWith('.pth'))) {
      differences.push({ check: CHECK, path, kind: 'only-in-wheel', digests: { wheel: member.sha256 }, allowed: false, detail: path.endsWith('.pth') ? 'a .pth file runs code at interpreter start-up' : 'installed outside the package from a .data directory' });
      continue;
    }
    const source = sdist.get(path);
    if (!source) {
      const waiver = input.policy.waiver(path, { wheel: member.sha256 });
      differences.push({ check: CHECK, path, kind: 'only-in-wheel', digests: { wheel: member.sha256 }, allowed: Boolean(waiver), ...(waiver ? { waiver: waiver.reason } : {}) });
      continue;
    }
    if (source.sha256 === member.sha256) {
      identical++;
      continue;
    }
    const digests = { wheel: member.sha256, sdist: source.sha256 };
    const waiver = input.policy.waiver(path, digests);
    differences.push({ check: CHECK, path, kind: 'content', digests, allowed: Boolean(waiver), ...(waiver ? { waiver: waiver.reason } : {}) });
  }
  return { differences, identical };
}

function compareScript(path: string, name: string, member: ArchiveMember, sdist: ReadonlyMap<string, ArchiveMember>, input: WheelVsSdistInput): Difference {
  const candidates = [...sdist.keys()].filter((p) => p.split('/').pop() === name && input.sdistContent.has(p));
  const digests: Record<string, string> = { wheel: member.sha256 };
  const rule = input.policy.rule('script-shebang', path);
  for (const candidate of candidates) {
    const original = input.sdistContent.get(candidate)!;
    if (!original.subarray(0, 2).equals(Buffer.from('#!'))) continue;
    const newline = original.indexOf(0x0a);
    const rewritten = Buffer.concat([Buffer.from('#!python\n'), newline >= 0 ? original.subarray(newline + 1) : Buffer.alloc(0)]);
    if (createHash('sha256').update(rewritten).digest('hex') === member.sha256) {
      return { check: CHECK, path, kind: 'content', digests: { ...digests, sdist: sdist.get(candidate)!.sha256 }, allowed: Boolean(rule), ...(rule ? { rule: rule.name } : {}), detail: `${candidate} with its first line rewritten to #!python` };
    }
  }
  return { check: CHECK, path, kind: 'content', digests, allowed: false, detail: candidates.length > 0 ? `differs from ${candidates.join(', ')} by more than the shebang line` : `no script named ${name} in the sdist` };
}
