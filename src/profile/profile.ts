import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../model/errors.js';
import { readUserFile } from '../io/local-files.js';
import { packageRoot } from '../io/package-root.js';
import type { ArtifactKind } from '../model/check.js';
import { validateProfile } from './validate-profile.js';
import { versionSatisfies } from './versions.js';

export type * from './types.js';
import type { Profile, Versioned } from './types.js';

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
    raw = readUserFile(
      path,
      MAX_PROFILE_BYTES,
      (size) => new Error(`it is ${size} bytes; a profile is a few kilobytes`),
    ).toString('utf8');
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
      result.push({
        kind,
        filename: fill(rule.filename, { version }),
        ...(rule.topDirectory ? { topDirectory: fill(rule.topDirectory, { version }) } : {}),
      });
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
  return (
    expectedArtifacts(profile, version).find((e) => e.filename === filename)?.topDirectory ??
    filename.replace(/\.tar\.gz$/, '')
  );
}
