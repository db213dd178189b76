import type { ArtifactEvidence, Difference, ReleaseReport, SignerSummary } from '../report/model.js';
import type { Signer } from '../trust/signatures.js';
import type { Check } from '../verdict/check.js';
import { releaseVerdict } from '../verdict/release-verdict.js';

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

  toReport(): ReleaseReport {
    return {
      version: this.version,
      verdict: releaseVerdict(this.checks),
      checks: this.checks,
      differences: this.differences,
      checksumSigners: this.checksumSigners,
      tagSigners: this.tagSigners,
      ...(this.tag ? { tag: this.tag } : {}),
      artifacts: [...this.artifacts.values()],
    };
  }
}

export function summarizeSigners(signers: Signer[]): SignerSummary[] {
  return signers.map((s) => ({ fingerprint: s.fingerprint, name: s.name, signedAt: s.created.toISOString() }));
}

export function describeSigners(signers: Signer[]): string {
  return signers.map((s) => `${s.name} (${s.fingerprint}) on ${s.created.toISOString().slice(0, 10)}`).join(' and ');
}
