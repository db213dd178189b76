import type { ArtifactEvidence, Difference, ReleaseReport, SignerSummary } from '../report/model.js';
import type { Signer } from '../rules/signature.js';
import type { Check } from '../model/check.js';
import { releaseVerdict } from '../model/verdict.js';

const CHANNEL_ORDER: readonly Check['channel'][] = ['site', 'pypi', 'git', 'local', 'content'];

/** Collects one release's checks and evidence as the steps produce them. */
export class ReleaseRecord {
  readonly checks: Check[] = [];
  readonly differences: Difference[] = [];
  readonly artifacts = new Map<string, ArtifactEvidence>();
  checksumSigners: SignerSummary[] = [];
  tagSigners: SignerSummary[] = [];
  tag: ReleaseReport['tag'];

  constructor(readonly version: string) {}

  add(...checks: Check[]): void {
    this.checks.push(...checks);
  }

  artifact(kind: string, filename: string): ArtifactEvidence {
    let evidence = this.artifacts.get(filename);
    if (!evidence) {
      evidence = { kind, filename };
      this.artifacts.set(filename, evidence);
    }
    return evidence;
  }

  /**
   * Channels run concurrently, so checks arrive in no fixed order; the report lists them by
   * channel, then artifact, then in the order each flow made them — the same for every run.
   */
  toReport(): ReleaseReport {
    const rank = (c: Check) =>
      [CHANNEL_ORDER.indexOf(c.channel), c.artifact === undefined ? 0 : c.artifact === 'sdist' ? 1 : 2] as const;
    const checks = this.checks
      .map((check, index) => ({ check, index }))
      .sort((a, b) => {
        const [ca, aa] = rank(a.check);
        const [cb, ab] = rank(b.check);
        return ca - cb || aa - ab || a.index - b.index;
      })
      .map(({ check }) => check);
    const differences = [...this.differences].sort((a, b) =>
      a.check === b.check ? (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) : a.check < b.check ? -1 : 1,
    );
    return {
      version: this.version,
      verdict: releaseVerdict(checks),
      checks,
      differences,
      checksumSigners: this.checksumSigners,
      tagSigners: this.tagSigners,
      ...(this.tag ? { tag: this.tag } : {}),
      artifacts: [...this.artifacts.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)),
    };
  }
}

export function summarizeSigners(signers: Signer[]): SignerSummary[] {
  return signers.map((s) => ({ fingerprint: s.fingerprint, name: s.name, signedAt: s.created.toISOString() }));
}
