import type { Difference, DifferenceKind } from '../../model/difference.js';

/**
 * Collects what a content rule finds about one comparison: each file that differs (allowed by a
 * named derivation, or not), and what could not be worked out here. A derivation names the rule
 * and the tag file it recomputed the file from ("Django.egg-info/requires.txt ← setup.cfg
 * [options] install_requires"); nothing is allowed by its path alone.
 */
export class Findings {
  readonly differences: Difference[] = [];
  /** Why some file could not be checked (the check is then unverified, never passed). */
  readonly unknowns: string[] = [];
  identical = 0;

  constructor(readonly check: string) {}

  /** A file recomputed from the tag and found to be what the tag declares. */
  derived(
    path: string,
    rule: string,
    derivedFrom: string,
    digests: Record<string, string> = {},
    kind: DifferenceKind = 'derived',
  ): void {
    this.differences.push({ check: this.check, path, kind, digests, allowed: true, rule, derivedFrom });
  }

  /** A file the tag does not explain. */
  unexplained(path: string, kind: DifferenceKind, detail: string, digests: Record<string, string> = {}): void {
    this.differences.push({ check: this.check, path, kind, digests, allowed: false, detail });
  }

  /** A file that could not be recomputed here; the check is unverified unless something fails. */
  unknown(path: string, why: string, digests: Record<string, string> = {}): void {
    this.unknowns.push(`${path}: ${why}`);
    this.differences.push({
      check: this.check,
      path,
      kind: 'unverified',
      digests,
      allowed: false,
      unverified: true,
      detail: why,
    });
  }
}
