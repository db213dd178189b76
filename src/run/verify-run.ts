import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import pLimit from 'p-limit';
import { GitMirror } from '../sources/git.js';
import { listReleases } from '../sources/release-list.js';
import type { Limits } from '../model/limits.js';
import { DownloadCache } from '../io/cache.js';
import { AnalysisCache } from './analysis-cache.js';
import { HttpClient, proxyEnvironment } from '../io/http.js';
import { OriginMap, parseBase } from '../io/origins.js';
import { packageRoot } from '../io/package-root.js';
import { keysDirectory, loadProfile, loadProfileFile, type Profile, tagName } from '../profile/profile.js';
import { needsReleaseList, type Selection, selectReleases } from '../profile/select.js';
import { REPORT_SCHEMA, type ReleaseSummary, type ReportSource, type RunReportHead } from '../report/model.js';
import { ReleaseSpool } from '../report/spool.js';
import { loadKeyring } from '../profile/keyring.js';
import { type ArtifactKind, unverified } from '../model/check.js';
import { type ReleaseVerdict, runOutcome } from '../model/verdict.js';
import { UsageError } from '../model/errors.js';
import { ArchiveReadQueue } from './archive-reads.js';
import type { ProgressSink, RunContext } from './context.js';
import type { SourceChannel } from '../model/check.js';
import { RunDeadline } from './deadline.js';
import { ReleaseRecord } from './release-record.js';
import { verifyRelease } from './verify-release.js';

export interface VerifyOptions {
  project: string;
  profilePath?: string;
  selection: Selection;
  bases: { site?: string; media?: string; pypi?: string; pypiFiles?: string; git?: string };
  keysDir?: string;
  channels: SourceChannel[];
  artifacts: ArtifactKind[];
  cacheDir: string;
  /** Re-verify what the cache holds, without the network. */
  offline: boolean;
  /** Use content analyses kept from earlier runs of the same bytes (--refresh: no). */
  reuseAnalyses: boolean;
  concurrency: number;
  limits: Limits;
  compareContents: boolean;
  ca?: Buffer;
  now?: Date;
  progress?: ProgressSink;
  /** How the run was invoked, for the report: the command that reproduces it. */
  command?: string;
  /** Called once the releases are known, before any is verified. */
  onSelected?: (versions: string[]) => void;
}

export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where each of the profile's origins is reached: an override, its sibling's override, or the real one. */
export function resolveOrigins(
  profile: Profile,
  bases: VerifyOptions['bases'],
): { map: OriginMap; origins: RunContext['origins']; git?: string } {
  const map = new OriginMap();
  const site = profile.site?.origin ?? 'https://invalid.invalid';
  const media = profile.site?.mediaOrigin ?? site;
  const use = (defaultBase: string, override: string | undefined) => {
    if (override) map.set(defaultBase, parseBase(override).href);
  };
  use(site, bases.site);
  // A mirror given only --site-url serves the media layout too; without this, links to the
  // real media host would leave the mirror (and, in a test, reach for the internet).
  use(media, bases.media ?? bases.site);
  use(profile.pypi.origin, bases.pypi);
  use(profile.pypi.filesOrigin, bases.pypiFiles ?? bases.pypi);
  const git = bases.git ?? profile.git?.url;
  if (git) parseBase(git);
  return {
    map,
    origins: {
      site: map.resolve(site),
      media: map.resolve(media),
      pypi: map.resolve(profile.pypi.origin),
      pypiFiles: map.resolve(profile.pypi.filesOrigin),
    },
    ...(git ? { git } : {}),
  };
}

export type ContextOptions = Pick<
  VerifyOptions,
  | 'project'
  | 'profilePath'
  | 'bases'
  | 'keysDir'
  | 'channels'
  | 'artifacts'
  | 'cacheDir'
  | 'offline'
  | 'reuseAnalyses'
  | 'concurrency'
  | 'limits'
  | 'compareContents'
  | 'ca'
  | 'now'
  | 'progress'
>;

/** Loads the profile and the pinned keys and opens the network services one run shares. */
export async function createRunContext(
  options: ContextOptions,
): Promise<{ ctx: RunContext; close: () => Promise<void> }> {
  const profile = await (options.profilePath ? loadProfileFile(options.profilePath) : loadProfile(options.project));
  const keyring = await loadKeyring(options.keysDir ?? keysDirectory(profile));
  const { map, origins, git } = resolveOrigins(profile, options.bases);
  const cache = await DownloadCache.open(options.cacheDir, { offline: options.offline });
  const http = new HttpClient(options.limits, map, {
    ...(options.ca ? { ca: options.ca } : {}),
    connectionsPerOrigin: Math.max(2, Math.min(6, options.concurrency)),
  });
  const channels = new Set(options.channels);
  if (channels.has('git') && !git)
    throw new UsageError(
      `the ${profile.displayName} profile names no git repository; pass --git-url or leave git out of --channels`,
    );
  const ctx: RunContext = {
    profile,
    keyring,
    http,
    cache,
    ...(channels.has('git') && git
      ? {
          git: new GitMirror(git, cache.gitDir(git), options.limits, options.offline, {
            proxyEnv: proxyEnvironment(process.env),
            ...(options.ca
              ? { caBundleFile: await cache.caBundle(`${rootCertificates.join('\n')}\n${options.ca.toString()}`) }
              : {}),
          }),
        }
      : {}),
    limits: options.limits,
    channels,
    artifacts: new Set(options.artifacts),
    origins,
    now: options.now ?? new Date(),
    startedAt: new Date(),
    compareContents: options.compareContents,
    archiveReads: new ArchiveReadQueue(),
    analyses: new AnalysisCache(join(cache.root, 'analyses'), cache.tmpDir, options.reuseAnalyses),
    ...(options.progress ? { progress: options.progress } : {}),
  };
  const close = async () => {
    ctx.archiveReads.end();
    ctx.git?.close();
    await http.close();
  };
  return { ctx, close };
}

/** The report's head for a run's releases: what was checked, against which keys and sources, and the verdicts. */
export function reportHead(
  ctx: RunContext,
  releases: readonly { verdict: ReleaseVerdict }[],
  listingProblems: readonly string[] = [],
  command = 'crosscheck',
): RunReportHead {
  return {
    schema: REPORT_SCHEMA,
    project: ctx.profile.project,
    displayName: ctx.profile.displayName,
    generatedAt: new Date().toISOString(),
    tool: { name: 'crosscheck', version: toolVersion() },
    keyring: {
      dir: ctx.keyring.dir,
      keys: ctx.keyring.keys.map((k) => ({ fingerprint: k.fingerprint, name: k.name })),
    },
    sources: {
      ...(ctx.channels.has('site') ? { site: ctx.origins.site, media: ctx.origins.media } : {}),
      ...(ctx.channels.has('pypi') ? { pypi: ctx.origins.pypi } : {}),
      ...(ctx.git ? { git: ctx.git.url } : {}),
    },
    ...(listingProblems.length > 0 ? { listingProblems: [...listingProblems] } : {}),
    run: {
      startedAt: ctx.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command,
      offline: ctx.cache.offline,
    },
    ...runOutcome(releases, listingProblems),
  };
}

/**
 * `crosscheck verify`: selects the releases and verifies them concurrently, each finished release
 * going to a spool on disk; then hands the report to `useReport` (which writes it) and removes the
 * spool. The network is closed before the report is written.
 */
export async function runVerify<T>(
  options: VerifyOptions,
  useReport: (report: ReportSource) => Promise<T>,
): Promise<T> {
  const { ctx, close } = await createRunContext(options);
  let spool: ReleaseSpool | undefined;
  try {
    let report: ReportSource;
    try {
      const listing = needsReleaseList(options.selection) ? await listReleases(ctx) : undefined;
      if (listing) ctx.listing = listing;
      const versions = selectReleases(listing?.versions ?? [], options.selection);
      // No channel could list the releases: a report saying so, and an incomplete run (exit 3), as for any channel out of reach.
      const unlisted = listing !== undefined && listing.byChannel.size === 0;
      if (versions.length === 0 && !unlisted)
        throw new UsageError('no releases selected', 'name versions, or use --all, --series, --since or --latest');
      options.onSelected?.(versions);
      void ctx.git?.prepare(versions.map((v) => tagName(ctx.profile, v)));
      spool = await ReleaseSpool.create(ctx.cache.tmpDir);
      const summaries = await verifyAll(ctx, versions, options, spool);
      report = spool.source(reportHead(ctx, summaries, listing?.problems ?? [], options.command), summaries);
    } finally {
      await close();
    }
    return await useReport(report);
  } finally {
    await spool?.close();
  }
}

/** Verifies releases with bounded concurrency into the spool; what the run deadline cuts off ends incomplete. */
async function verifyAll(
  ctx: RunContext,
  versions: string[],
  options: VerifyOptions,
  spool: ReleaseSpool,
): Promise<ReleaseSummary[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const deadline = new RunDeadline(ctx.limits.runDeadlineMs);
  try {
    return await Promise.all(
      versions.map(async (version) => {
        const record = new ReleaseRecord(version);
        const result = await deadline.race(limit(() => verifyRelease(ctx, version, record)));
        if (result !== 'deadline') return spool.add(result);
        // What the release had found stays in the report: a digest that failed before the deadline
        // is tampering found, and the release fails rather than ending merely incomplete.
        record.add(
          unverified(
            { id: 'release.deadline', channel: 'local', reason: 'RUN_DEADLINE' },
            `not finished within the run deadline of ${ctx.limits.runDeadlineMs} ms (--limit runDeadlineMs=<ms> raises it)`,
          ),
        );
        return spool.add(record.toReport());
      }),
    );
  } finally {
    deadline.clear();
  }
}
