import type { ComparisonRule, Profile, Waiver } from '../profile/profile.js';
import { compileGlob, type Glob } from './glob.js';

/**
 * The expected-difference policy of one comparison for one release: named rules from the
 * profile (each with its reason) and per-release waivers pinned to exact digests.
 */
export class Policy {
  private readonly compiled: { rule: ComparisonRule; patterns: Glob[] }[];
  private readonly waivers: Waiver[];

  constructor(rules: readonly ComparisonRule[], waivers: readonly Waiver[], version: string) {
    this.compiled = rules.map((rule) => ({ rule, patterns: rule.paths.map(compileGlob) }));
    this.waivers = waivers.filter((w) => w.version === version);
  }

  rule(kind: ComparisonRule['kind'], path: string): ComparisonRule | undefined {
    return this.compiled.find(({ rule, patterns }) => rule.kind === kind && patterns.some((p) => p.test(path)))?.rule;
  }

  /** A waiver applies only to this path with exactly these digests on every side it names. */
  waiver(path: string, digests: Record<string, string>): Waiver | undefined {
    return this.waivers.find((w) => w.path === path && Object.entries(w.digests).every(([side, digest]) => digests[side] === digest));
  }
}

/** The sdist-vs-git policy for one release of a profile. */
export function sdistVsGitPolicy(profile: Profile, version: string): Policy {
  return new Policy(profile.comparison.sdistVsGit, profile.waivers, version);
}
