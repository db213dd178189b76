import { posix } from 'node:path';
import type { ArchiveMember } from '../archive/member.js';
import type { Difference } from './difference.js';
import type { Policy } from './policy.js';
import { diffConfig, parseSetupCfg, SetupCfgError, type ConfigDifference, type SetupCfg } from '../formats/setup-cfg.js';

export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

export interface SdistVsGitInput {
  /** The sdist's members with the top directory still in their paths. */
  members: readonly ArchiveMember[];
  topDirectory: string;
  /** Bytes of sdist members the policy needs (setup.cfg), by path relative to the top directory. */
  sdistContent: ReadonlyMap<string, Buffer>;
  tree: readonly TreeEntry[];
  /** Git blobs the policy needs (symlink targets, setup.cfg), by blob id. */
  blobs: ReadonlyMap<string, Buffer>;
  policy: Policy;
}

export interface ComparisonResult {
  differences: Difference[];
  identical: number;
}

const CHECK = 'content.sdist-vs-git';
const MAX_LINK_HOPS = 8;

/** Which git blobs the comparison will need to read: symlink targets and config-data files. */
export function blobsNeeded(tree: readonly TreeEntry[], policy: Policy): string[] {
  return tree.filter((e) => e.mode === '120000' || (e.type === 'blob' && policy.rule('config-data', e.path))).map((e) => e.oid);
}

/**
 * Every sdist file must be the tag's file, byte for byte (by git blob id), unless a named rule
 * or a waiver explains the difference. Files only in git are reported as information.
 */
export function compareSdistWithGit(input: SdistVsGitInput): ComparisonResult {
  const { policy } = input;
  const tree = new Map(input.tree.map((e) => [e.path, e]));
  const differences: Difference[] = [];
  const seen = new Set<string>();
  let identical = 0;
  const prefix = `${input.topDirectory}/`;
  for (const member of input.members) {
    if (member.path === input.topDirectory && member.type === 'directory') continue;
    if (!member.path.startsWith(prefix)) {
      differences.push({ check: CHECK, path: member.path, kind: 'only-in-sdist', digests: { sdist: member.sha256 }, allowed: false, detail: `outside the sdist's top directory ${input.topDirectory}/` });
      continue;
    }
    if (member.type === 'directory') continue;
    const path = member.path.slice(prefix.length);
    const digests = { sdist: member.sha256, 'sdist-blob': member.blobId };
    const entry = tree.get(path);
    seen.add(path);
    if (!entry) {
      const configRule = policy.rule('config-data', path);
      if (configRule) {
        // The tag has no setup.cfg (a pyproject.toml project), yet setuptools writes one holding its
        // [egg_info] settings into every sdist: allowed only when that is all it holds.
        differences.push(compareConfig(path, digests, input.sdistContent.get(path), Buffer.alloc(0), configRule.name));
        continue;
      }
      const rule = policy.rule('only-in-sdist', path);
      const waiver = rule ? undefined : policy.waiver(path, digests);
      differences.push({ check: CHECK, path, kind: 'only-in-sdist', digests, allowed: Boolean(rule ?? waiver), ...(rule ? { rule: rule.name } : {}), ...(waiver ? { waiver: waiver.reason } : {}) });
      continue;
    }
    if (entry.mode === '120000') {
      differences.push(compareSymlink(path, member, entry, tree, input.blobs, policy));
      continue;
    }
    if (entry.type !== 'blob') {
      differences.push({ check: CHECK, path, kind: 'type', digests: { ...digests, git: entry.oid }, allowed: false, detail: `a file in the sdist, a ${entry.type} (mode ${entry.mode}) in git` });
      continue;
    }
    const gitDigests = { ...digests, git: entry.oid };
    if (member.blobId === entry.oid) {
      const executableInSdist = (member.mode & 0o111) !== 0;
      const executableInGit = entry.mode === '100755';
      if (executableInSdist !== executableInGit) {
        differences.push({ check: CHECK, path, kind: 'mode', digests: gitDigests, allowed: false, detail: `executable in ${executableInSdist ? 'the sdist' : 'git'} only (sdist ${member.mode.toString(8)}, git ${entry.mode})` });
      } else identical++;
      continue;
    }
    const configRule = policy.rule('config-data', path);
    if (configRule) {
      differences.push(compareConfig(path, gitDigests, input.sdistContent.get(path), input.blobs.get(entry.oid), configRule.name));
      continue;
    }
    const waiver = policy.waiver(path, gitDigests);
    differences.push({ check: CHECK, path, kind: 'content', digests: gitDigests, allowed: Boolean(waiver), ...(waiver ? { waiver: waiver.reason } : {}), detail: `sdist blob ${member.blobId}, git blob ${entry.oid}` });
  }
  for (const [path, entry] of tree) {
    if (seen.has(path)) continue;
    const rule = policy.rule('only-in-git', path);
    differences.push({ check: CHECK, path, kind: 'only-in-git', digests: { git: entry.oid }, allowed: Boolean(rule), ...(rule ? { rule: rule.name } : {}) });
  }
  return { differences, identical };
}

function compareSymlink(
  path: string,
  member: ArchiveMember,
  link: TreeEntry,
  tree: ReadonlyMap<string, TreeEntry>,
  blobs: ReadonlyMap<string, Buffer>,
  policy: Policy,
): Difference {
  const digests = { sdist: member.sha256, 'sdist-blob': member.blobId, git: link.oid };
  let current = link;
  let currentPath = path;
  for (let hop = 0; hop < MAX_LINK_HOPS && current.mode === '120000'; hop++) {
    const target = blobs.get(current.oid);
    if (!target) return { check: CHECK, path, kind: 'type', digests, allowed: false, detail: 'the symlink target could not be read from git' };
    const resolved = posix.normalize(posix.join(posix.dirname(currentPath), target.toString('utf8')));
    const next = resolved.startsWith('../') || resolved.startsWith('/') ? undefined : tree.get(resolved);
    if (!next) return { check: CHECK, path, kind: 'type', digests, allowed: false, detail: `a symlink in git to ${target.toString('utf8')}, which is not a file in the tag` };
    current = next;
    currentPath = resolved;
  }
  const rule = policy.rule('symlink-resolved', path);
  if (current.mode !== '120000' && current.oid === member.blobId && rule) {
    return { check: CHECK, path, kind: 'type', digests: { ...digests, 'git-target': current.oid }, allowed: true, rule: rule.name, detail: `a symlink to ${currentPath} in git; the sdist holds that file's bytes` };
  }
  return { check: CHECK, path, kind: 'content', digests: { ...digests, 'git-target': current.oid }, allowed: false, detail: `a symlink to ${currentPath} in git, whose blob ${current.oid} differs from the sdist's ${member.blobId}` };
}

function compareConfig(path: string, digests: Record<string, string>, sdistBytes: Buffer | undefined, gitBytes: Buffer | undefined, rule: string): Difference {
  if (!sdistBytes || gitBytes === undefined) return { check: CHECK, path, kind: 'config', digests, allowed: false, detail: 'the file could not be read for a configuration comparison' };
  try {
    // Both sides are read exactly as setuptools reads them (strict UTF-8, universal newlines).
    const changes = configChanges(parseSetupCfg(gitBytes), parseSetupCfg(sdistBytes));
    if (changes.length === 0) {
      const detail = gitBytes.length === 0 ? 'only in the sdist, holding only the [egg_info] section setuptools writes' : 'same configuration data; only egg_info\'s rewrite differs';
      return { check: CHECK, path, kind: 'config', digests, allowed: true, rule, detail };
    }
    const shown = changes.slice(0, 5).map(describeChange);
    return { check: CHECK, path, kind: 'config', digests, allowed: false, detail: `configuration differs: ${shown.join('; ')}` };
  } catch (error) {
    const why = error instanceof SetupCfgError ? error.message : String(error);
    return { check: CHECK, path, kind: 'config', digests, allowed: false, detail: `not comparable as configuration: ${why}` };
  }
}

/** The section setuptools' egg_info adds to the sdist's setup.cfg, with the values it writes. */
const EGG_INFO_SECTION = 'egg_info';
const EGG_INFO_ADDITION: ReadonlyMap<string, string> = new Map([['tag_build', ''], ['tag_date', '0']]);

/**
 * Differences in raw values between git's and the sdist's setup.cfg ([DEFAULT] included).
 * The one accepted change is an [egg_info] section that git lacks and that holds exactly
 * what egg_info writes.
 */
function configChanges(git: SetupCfg, sdist: SetupCfg): ConfigDifference[] {
  const added = sdist.sections.get(EGG_INFO_SECTION);
  const eggInfoOnly = !git.sections.has(EGG_INFO_SECTION) && added !== undefined && sameOptions(added, EGG_INFO_ADDITION);
  return diffConfig(git, sdist).filter((change) => !(eggInfoOnly && change.section === EGG_INFO_SECTION));
}

function sameOptions(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, value]) => b.get(name) === value);
}

function describeChange(change: ConfigDifference): string {
  if (change.kind === 'section') return `[${change.section}]: only in ${change.onlyIn === 'a' ? 'git' : 'the sdist'}`;
  return `[${change.section}] ${change.option}: git ${JSON.stringify(change.a ?? null)}, sdist ${JSON.stringify(change.b ?? null)}`;
}
