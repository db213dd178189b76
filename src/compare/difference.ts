export type DifferenceKind = 'only-in-sdist' | 'only-in-git' | 'only-in-wheel' | 'only-in-site' | 'only-in-pypi' | 'content' | 'mode' | 'type' | 'config' | 'record' | 'metadata';

/** One file-level difference between two channels' contents, allowed by a named rule or not. */
export interface Difference {
  check: string;
  path: string;
  kind: DifferenceKind;
  /** Digests per side, e.g. { sdist: "<sha256>", git: "<blob id>" }. */
  digests: Record<string, string>;
  allowed: boolean;
  rule?: string;
  waiver?: string;
  detail?: string;
}
