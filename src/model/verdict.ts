import type { Check } from './check.js';

export type ReleaseVerdict = 'pass' | 'fail' | 'incomplete';

/**
 * A release passes only when nothing failed, nothing was left unverified, and at least one
 * check anchored the release to a pinned key (a verified checksum-file or tag signature).
 * Without an anchor, agreement between channels proves nothing, so the verdict is incomplete.
 * A signature accepted with a warning anchors too: a SHA-1 signature made before 2020 by a pinned
 * key, or an unsigned tag that is the very object the profile pins.
 */
export function releaseVerdict(checks: readonly Check[]): ReleaseVerdict {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'unverified')) return 'incomplete';
  const anchored = checks.some((c) => (c.status === 'pass' || c.status === 'warn') && SIGNATURE_CHECK_IDS.has(c.id));
  return anchored ? 'pass' : 'incomplete';
}

export const SIGNATURE_CHECK_IDS: ReadonlySet<string> = new Set(['site.checksums.signature', 'git.tag.signature']);

export type RunVerdict = ReleaseVerdict;

export function runVerdict(verdicts: readonly ReleaseVerdict[]): RunVerdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.length === 0 || verdicts.includes('incomplete')) return 'incomplete';
  return 'pass';
}

/** How many releases there are, and how many of each verdict. */
export interface RunCounts {
  releases: number;
  pass: number;
  fail: number;
  incomplete: number;
}

/** A run's verdict and counts, from its releases' verdicts: for a report's head, and to check a saved one's. */
export function runOutcome(
  releases: readonly { verdict: ReleaseVerdict }[],
  listingProblems: readonly string[] = [],
): { verdict: RunVerdict; summary: RunCounts } {
  const summary: RunCounts = { releases: releases.length, pass: 0, fail: 0, incomplete: 0 };
  for (const release of releases) summary[release.verdict]++;
  const verdict = runVerdict(releases.map((r) => r.verdict));
  // A channel whose list of releases could not be had may hide a release: the run is at best incomplete.
  return { verdict: verdict === 'pass' && listingProblems.length > 0 ? 'incomplete' : verdict, summary };
}

/** Exit codes: 0 every release passed; 1 something failed; 3 nothing failed but something was unverified. 2 is usage. */
export const EXIT = { pass: 0, fail: 1, usage: 2, incomplete: 3 } as const;

export function exitCodeFor(verdict: RunVerdict): number {
  return EXIT[verdict];
}
