export type DifferenceKind =
  | 'only-in-sdist'
  | 'only-in-git'
  | 'only-in-wheel'
  | 'only-in-site'
  | 'only-in-pypi'
  | 'content'
  | 'mode'
  | 'type'
  | 'config'
  | 'record'
  | 'metadata'
  /** A generated file recomputed from what the tag declares, and found to say just that. */
  | 'derived'
  /** A file that could not be recomputed here: the check is unverified. */
  | 'unverified';

/** One file-level difference between two channels' contents, allowed by a named rule or not. */
export interface Difference {
  check: string;
  path: string;
  kind: DifferenceKind;
  /** Digests per side, e.g. { sdist: "<sha256>", git: "<blob id>" }. */
  digests: Record<string, string>;
  allowed: boolean;
  rule?: string;
  /** For a derived file: the tag file and declaration it was recomputed from. */
  derivedFrom?: string;
  /** Set when the file could not be checked here (not allowed, not failed). */
  unverified?: boolean;
  waiver?: string;
  detail?: string;
}
