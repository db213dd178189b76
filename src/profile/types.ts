import type { ArtifactKind } from '../model/check.js';

// What a profile declares: the shapes profiles/<name>.json is checked against (validate-profile.ts).

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
  /** The SHA-256 (hex) of the sdist file the waiver was recorded for: it excuses nothing in any other build of the release. */
  sdist: string;
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
