import type { Origins } from '../sources/deps.js';
import type { GitMirror } from '../sources/git.js';
import type { ArchiveReadQueue } from './archive-reads.js';
import type { Limits } from '../model/limits.js';
import type { DownloadCache } from '../io/cache.js';
import type { AnalysisCache } from './analysis-cache.js';
import type { ReleaseList } from '../sources/release-list.js';
import type { HttpClient } from '../io/http.js';
import type { Profile } from '../profile/profile.js';
import type { Keyring } from '../profile/keyring.js';
import type { SignerTrust } from '../rules/signature.js';
import type { ArtifactKind, SourceChannel } from '../model/check.js';

/** Reports progress as work happens; the CLI renders it (bar on a terminal, lines otherwise). */
export interface ProgressSink {
  step(release: string, channel: string, what: string): void;
  bytes(count: number): void;
  releaseDone(release: string, verdict: string): void;
}

/** Everything one run shares: configuration, trust root and the I/O services. */
export interface RunContext {
  profile: Profile;
  keyring: Keyring;
  http: HttpClient;
  cache: DownloadCache;
  git?: GitMirror;
  limits: Limits;
  channels: ReadonlySet<SourceChannel>;
  artifacts: ReadonlySet<ArtifactKind>;
  /** Where the profile's origins are reached (after --site-url and friends). */
  origins: Origins;
  now: Date;
  /** When the run began (the report's time span). */
  startedAt: Date;
  compareContents: boolean;
  /** Every archive read of the run goes through it, one at a time. */
  archiveReads: ArchiveReadQueue;
  /** Analyses of archives by the digest of their bytes, kept across runs. */
  analyses: AnalysisCache;
  /** The channels' lists of releases, when the run chose its releases from them. */
  listing?: ReleaseList;
  progress?: ProgressSink;
}

/** What a signature on one release is judged against: the pinned keys and the profile's signer policy. */
export function signerTrust(ctx: Pick<RunContext, 'keyring' | 'profile' | 'now'>, version: string): SignerTrust {
  return {
    keyring: ctx.keyring,
    version,
    now: ctx.now,
    ...(ctx.profile.keysNotHeld ? { keysNotHeld: ctx.profile.keysNotHeld } : {}),
    ...(ctx.profile.releaseManagers ? { releaseManagers: ctx.profile.releaseManagers } : {}),
  };
}
