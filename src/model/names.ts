import type { ArtifactKind } from './check.js';

/**
 * A project name as PyPI compares names (PEP 503): case folded, every run of `-`, `_` and `.` one
 * `-`. "Django", "django" and "DJANGO" are one project; so are "zope.interface" and "zope-interface".
 */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** What a distribution's file name says it is. */
export interface ArtifactName {
  kind: ArtifactKind;
  filename: string;
  /** The distribution name as the file name spells it. */
  name: string;
  normalizedName: string;
  version: string;
}

// The one grammar of file names, for the checksum file's list and for a file given to verify-file.
// An sdist is `<name>-<version>.tar.gz`, where an old name may hold `-` (the version is what follows
// the last `-` that a digit follows); a wheel is `<name>-<version>(-<build>)?-<python>-<abi>-<platform>.whl`,
// whose name escapes `-` (PEP 427).
const SDIST = /^([A-Za-z0-9][A-Za-z0-9._-]*)-([0-9][A-Za-z0-9.+!_]*)\.tar\.gz$/;
const WHEEL =
  /^([A-Za-z0-9][A-Za-z0-9._]*)-([0-9][A-Za-z0-9.+!_]*)(?:-[0-9][A-Za-z0-9._]*)?-[A-Za-z0-9._]+-[A-Za-z0-9._]+-[A-Za-z0-9._]+\.whl$/;

export function parseArtifactName(filename: string): ArtifactName | undefined {
  for (const [kind, grammar] of [
    ['sdist', SDIST],
    ['wheel', WHEEL],
  ] as const) {
    const match = grammar.exec(filename);
    if (match)
      return { kind, filename, name: match[1]!, normalizedName: normalizeProjectName(match[1]!), version: match[2]! };
  }
  return undefined;
}

/** The kind of `filename` when it names `project` at exactly `version`; otherwise undefined. */
export function artifactKindOf(filename: string, project: string, version: string): ArtifactKind | undefined {
  const parsed = parseArtifactName(filename);
  if (!parsed || parsed.version !== version || parsed.normalizedName !== normalizeProjectName(project))
    return undefined;
  return parsed.kind;
}

/** The longest version crosscheck accepts, from the command line or from PyPI's list of releases. */
export const MAX_VERSION_LENGTH = 64;
