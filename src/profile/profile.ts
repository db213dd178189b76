import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../model/errors.js';
import { readUserFile } from '../io/local-files.js';
import { packageRoot } from '../io/package-root.js';
import type { ArtifactKind } from '../model/check.js';
import { validateProfile } from './validate-profile.js';
import { versionSatisfies } from './versions.js';

/** A genuine annotated tag that carries no signature, pinned by what git names it by: its object id and its commit. */
export interface UnsignedTag {
  tag: string;
  object: string;
  commit: string;
}

/** A release manager whose key crosscheck does not hold: signatures by these key ids in their era are unverified, not failed. */
export interface KeyNotHeld {
  name: string;
  /** 64-bit key ids, 16 upper-case hex digits, as the signatures name their issuer. */
  keyIds: string[];
  /** PEP 440 specifiers: the releases this person signed. */
  when: string[];
}

/** A pinned key bound to the releases it may sign (threat catalog G-06). */
export interface ReleaseManagerBinding {
  fingerprint: string;
  name?: string;
  when: string[];
}

/** A rule that applies to the versions matching any of `when` (PEP 440 specifiers), or to all. */
export interface Versioned {
  when?: string[];
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
  /** `unsignedTags`: genuine tags that carry no signature, pinned by tag object id and commit. */
  git?: { url: string; tag: string; unsignedTags?: UnsignedTag[] };
  artifacts: Record<ArtifactKind, (Versioned & { filename: string | null; topDirectory?: string })[]>;
  waivers: Waiver[];
  /**
   * Optional (threat catalog G-06): which pinned key may sign which releases. When present, a
   * checksum file or tag signed by a pinned key not listed for the version fails.
   */
  releaseManagers?: ReleaseManager[];
  /**
   * Release managers of past eras whose keys crosscheck does not hold: a signature by one of these
   * key ids on a release of their era is unverified (the user can add the key), not failed.
   */
  keysNotHeld?: KeyNotHeld[];
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
