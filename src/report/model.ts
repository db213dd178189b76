import type { Difference } from '../compare/difference.js';
import type { Check } from '../verdict/check.js';
import type { ReleaseVerdict, RunVerdict } from '../verdict/release-verdict.js';

export type { Difference, DifferenceKind } from '../compare/difference.js';

export const REPORT_SCHEMA = 'crosscheck/report@1';

export interface SignerSummary {
  fingerprint: string;
  name: string;
  signedAt: string;
}

/** What one channel served for one artifact. */
export interface ChannelCopy {
  url: string;
  finalUrl?: string;
  sha256?: string;
  size?: number;
  fromCache?: boolean;
  fetchedAt?: string;
}

export interface ArtifactEvidence {
  kind: string;
  filename: string;
  /** The signed SHA-256 (or the strongest signed digest). */
  signedSha256?: string;
  site?: ChannelCopy;
  pypi?: ChannelCopy;
}

export interface ReleaseReport {
  version: string;
  /** verify-file: the one-sentence answer, and the file it is about. */
  summary?: string;
  file?: string;
  verdict: ReleaseVerdict;
  checks: Check[];
  differences: Difference[];
  checksumSigners: SignerSummary[];
  tagSigners: SignerSummary[];
  tag?: { name: string; object?: string; commit?: string };
  artifacts: ArtifactEvidence[];
}

export interface RunReport {
  schema: typeof REPORT_SCHEMA;
  project: string;
  displayName: string;
  generatedAt: string;
  tool: { name: 'crosscheck'; version: string };
  keyring: { dir: string; keys: { fingerprint: string; name: string }[] };
  sources: { site?: string; media?: string; pypi?: string; git?: string };
  verdict: RunVerdict;
  summary: { releases: number; pass: number; fail: number; incomplete: number };
  releases: ReleaseReport[];
}
