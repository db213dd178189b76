import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { quote, UsageError } from '../errors.js';
import { readUserFile } from '../local-files.js';
import { packageRoot } from '../package-root.js';
import { specifierProblem, versionSatisfies } from './versions.js';
import type { ArtifactKind } from '../verdict/check.js';

/** A rule that applies to the versions matching any of `when` (PEP 440 specifiers), or to all. */
interface Versioned {
  when?: string[];
}

export interface ComparisonRule {
  name: string;
  kind: 'only-in-sdist' | 'only-in-git' | 'only-in-wheel' | 'config-data' | 'symlink-resolved' | 'script-shebang';
  /** Glob-like paths relative to the archive root: `*` matches within a segment, `**` across. */
  paths: string[];
  reason: string;
}

export interface Waiver {
  version: string;
  path: string;
  /** The file's digest (hex) on each side it names, at least one; the waiver applies only to exactly these bytes. */
  digests: Record<string, string>;
  reason: string;
  reviewedBy: string;
}

export interface ReleaseManager {
  /** The key's full fingerprint (40 or 64 hex digits), as pinned in the keys directory. */
  fingerprint: string;
  name?: string;
  /** PEP 440 specifiers: the releases this key may sign. */
  when: string[];
}

/**
 * A project described as data (profiles/<project>.json, schema crosscheck/profile@1): where each
 * era's files live, how artifacts are named, how tags are named and signed, which keys are
 * pinned, and the comparison policy. See the README, "Describing a project".
 */
export interface Profile {
  schema: 'crosscheck/profile@1';
  project: string;
  displayName: string;
  /** Directory of pinned keys, relative to crosscheck's package root or absolute. */
  keys: string;
  site?: {
    origin: string;
    mediaOrigin?: string;
    checksumFile: (Versioned & { urls: string[] })[];
    downloadUrls?: Partial<Record<ArtifactKind, string>>;
  };
  pypi: { name: string; origin: string; filesOrigin: string };
  git?: { url: string; tag: string; knownUnsignedTags?: string[] };
  artifacts: Record<ArtifactKind, (Versioned & { filename: string | null; topDirectory?: string })[]>;
  comparison: { package: string; sdistVsGit: ComparisonRule[]; wheelVsSdist: ComparisonRule[] };
  waivers: Waiver[];
  /**
   * Optional (threat catalog G-06): which pinned key may sign which releases. When present, a
   * checksum file or tag signed by a pinned key not listed for the version fails.
   */
  releaseManagers?: ReleaseManager[];
  /** Where the profile was loaded from. */
  source: string;
}

/** A built-in profile, by project name (profiles/<name>.json). */
export async function loadProfile(name: string): Promise<Profile> {
  const hint = 'crosscheck knows: django; describe another project with --profile FILE (see the README)';
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) throw new UsageError(`"${name}" is not a project name`, hint);
  const path = join(packageRoot(), 'profiles', `${name}.json`);
  if (!existsSync(path)) throw new UsageError(`no profile for project "${name}" (looked for ${path})`, hint);
  return loadProfileFile(path);
}

/** A profile from a file (--profile FILE, or a built-in one). */
export async function loadProfileFile(path: string): Promise<Profile> {
  let raw: string;
  try {
    raw = readUserFile(path, MAX_PROFILE_BYTES, (size) => new Error(`it is ${size} bytes; a profile is a few kilobytes`)).toString('utf8');
  } catch (error) {
    throw new UsageError(`cannot read the profile ${path}: ${(error as Error).message}`);
  }
  let profile: Profile;
  try {
    profile = { ...(JSON.parse(raw) as Profile), source: path };
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  validateProfile(profile, path);
  return profile;
}

const MAX_PROFILE_BYTES = 1024 * 1024;

const RULE_KINDS: readonly ComparisonRule['kind'][] = ['only-in-sdist', 'only-in-git', 'only-in-wheel', 'config-data', 'symlink-resolved', 'script-shebang'];
// PEP 508's project name.
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/**
 * Every field is checked for its type when the profile loads: a field of the wrong type used to
 * surface mid-run as an "internal error" in every release, or, worse, as a rule that silently
 * never applied (an unknown comparison kind, a "when" the PEP 440 library cannot read).
 */
function validateProfile(profile: Profile, path: string): void {
  const problem = (what: string) => new UsageError(`${path}: ${what}`);
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
  const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.length > 0 && value.every(isText);
  const isUrl = (value: unknown) => isText(value) && URL.canParse(value);
  const list = (value: unknown, what: string): unknown[] => {
    if (!Array.isArray(value)) throw problem(`${what} must be a list`);
    return value;
  };

  if (!isObject(profile) || profile.schema !== 'crosscheck/profile@1') throw problem('"schema" must be "crosscheck/profile@1"');
  for (const field of ['project', 'displayName', 'keys'] as const) if (!isText(profile[field])) throw problem(`"${field}" must be a non-empty string`);

  if (!isObject(profile.pypi) || !isText(profile.pypi.name) || !isUrl(profile.pypi.origin) || !isUrl(profile.pypi.filesOrigin)) throw problem('"pypi" needs name, and origin and filesOrigin as URLs');
  if (!PROJECT_NAME.test(profile.pypi.name)) throw problem(`"pypi.name" ${quote(profile.pypi.name)} is not a project name`);

  const versioned: unknown[] = [];
  if (profile.site !== undefined) {
    const site = profile.site as unknown;
    if (!isObject(site) || !isUrl(site.origin) || (site.mediaOrigin !== undefined && !isUrl(site.mediaOrigin))) throw problem('"site" needs origin (and mediaOrigin, if given) as URLs');
    for (const rule of list(site.checksumFile, '"site.checksumFile"')) {
      if (!isObject(rule) || !isTextList(rule.urls)) throw problem(`every "site.checksumFile" rule needs "urls", a list of URL templates (${quote(rule)})`);
      versioned.push(rule);
    }
    if (site.downloadUrls !== undefined && !(isObject(site.downloadUrls) && Object.entries(site.downloadUrls).every(([kind, url]) => (kind === 'sdist' || kind === 'wheel') && isText(url)))) {
      throw problem(`"site.downloadUrls" maps sdist and wheel to URL templates (${quote(site.downloadUrls)})`);
    }
  }
  if (profile.git !== undefined) {
    const git = profile.git as unknown;
    if (!isObject(git) || !isUrl(git.url) || !isText(git.tag) || !git.tag.includes('{version}')) throw problem('"git" needs url, and a tag template holding {version}');
    if (git.knownUnsignedTags !== undefined && !(Array.isArray(git.knownUnsignedTags) && git.knownUnsignedTags.every(isText))) throw problem('"git.knownUnsignedTags" must be a list of tag names');
  }

  if (!isObject(profile.artifacts)) throw problem('"artifacts" needs sdist and wheel rule lists');
  for (const kind of ['sdist', 'wheel'] as const) {
    for (const rule of list(profile.artifacts[kind], `"artifacts.${kind}"`)) {
      if (!isObject(rule) || !(rule.filename === null || (isText(rule.filename) && rule.filename.includes('{version}'))) || (rule.topDirectory !== undefined && !isText(rule.topDirectory))) {
        throw problem(`every "artifacts.${kind}" rule needs "filename", a template holding {version} or null, and "topDirectory" only as a string (${quote(rule)})`);
      }
      versioned.push(rule);
    }
  }

  if (!isObject(profile.comparison) || !isText(profile.comparison.package)) throw problem('"comparison" needs package, and sdistVsGit and wheelVsSdist rule lists');
  for (const rule of [...list(profile.comparison.sdistVsGit, '"comparison.sdistVsGit"'), ...list(profile.comparison.wheelVsSdist, '"comparison.wheelVsSdist"')]) {
    if (!isObject(rule) || !isText(rule.name) || !isText(rule.reason) || !isTextList(rule.paths)) throw problem(`every comparison rule needs a name, a reason and paths (${quote(rule)})`);
    if (!RULE_KINDS.includes(rule.kind as ComparisonRule['kind'])) throw problem(`comparison rule ${quote(rule.name)}: "kind" must be one of ${RULE_KINDS.join(', ')}`);
  }

  if (profile.releaseManagers !== undefined) {
    for (const manager of list(profile.releaseManagers, '"releaseManagers"')) {
      if (!isObject(manager) || typeof manager.fingerprint !== 'string' || !/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(manager.fingerprint)) {
        throw problem(`every release manager needs a full fingerprint in upper-case hex, never a key id (${quote(manager)})`);
      }
      if (!Array.isArray(manager.when) || manager.when.length === 0) throw problem(`every release manager needs "when", a list of version specifiers (${quote(manager)})`);
      versioned.push(manager);
    }
  }
  for (const rule of versioned as Versioned[]) {
    if (rule.when === undefined) continue;
    if (!Array.isArray(rule.when) || !rule.when.every((spec) => typeof spec === 'string')) throw problem(`"when" must be a list of version specifiers (${quote(rule)})`);
    for (const spec of rule.when) {
      const why = specifierProblem(spec);
      if (why) throw problem(`"when" ${quote(spec)} ${why} (${quote(rule)})`);
    }
  }

  for (const waiver of list(profile.waivers, '"waivers"')) {
    const digestsOk = isObject(waiver) && isObject(waiver.digests) && Object.keys(waiver.digests).length > 0 && Object.values(waiver.digests).every((digest) => typeof digest === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(digest));
    if (!isObject(waiver) || !isText(waiver.version) || !isText(waiver.path) || !isText(waiver.reason) || !isText(waiver.reviewedBy) || !digestsOk) {
      throw problem(`every waiver needs version, path, digests (at least one side's, in hex), reason and reviewedBy (${quote(waiver)})`);
    }
  }
}

export function keysDirectory(profile: Profile): string {
  return isAbsolute(profile.keys) ? profile.keys : join(packageRoot(), profile.keys);
}

/** The first rule whose `when` matches the version (a rule without `when` matches all). */
export function ruleFor<T extends Versioned>(rules: readonly T[], version: string): T | undefined {
  return rules.find((rule) => appliesTo(rule, version));
}

/** Whether a versioned rule (or release-manager binding) covers the version. */
export function appliesTo(rule: Versioned, version: string): boolean {
  return !rule.when || rule.when.some((spec) => versionSatisfies(version, spec));
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export interface ExpectedArtifact {
  kind: ArtifactKind;
  filename: string;
  topDirectory?: string;
}

/** What the profile says this version's artifacts are called (a kind may have none, e.g. no wheel). */
export function expectedArtifacts(profile: Profile, version: string): ExpectedArtifact[] {
  const result: ExpectedArtifact[] = [];
  for (const kind of ['sdist', 'wheel'] as const) {
    const rule = ruleFor(profile.artifacts[kind], version);
    if (rule?.filename) {
      result.push({ kind, filename: fill(rule.filename, { version }), ...(rule.topDirectory ? { topDirectory: fill(rule.topDirectory, { version }) } : {}) });
    }
  }
  return result;
}

export function tagName(profile: Profile, version: string): string {
  return fill(profile.git?.tag ?? '{version}', { version });
}

/** The built-in profile whose PyPI name normalizes to `normalizedName` (for verify-file). */
export async function findProfileFor(normalizedName: string): Promise<Profile | undefined> {
  const dir = join(packageRoot(), 'profiles');
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
    const profile = await loadProfileFile(join(dir, file));
    if (profile.pypi.name.toLowerCase().replace(/[-_.]+/g, '-') === normalizedName) return profile;
  }
  return undefined;
}

/** The single folder an sdist's members live under: the profile's, else the file name without .tar.gz. */
export function sdistTopDirectory(profile: Profile, version: string, filename: string): string {
  return expectedArtifacts(profile, version).find((e) => e.filename === filename)?.topDirectory ?? filename.replace(/\.tar\.gz$/, '');
}
