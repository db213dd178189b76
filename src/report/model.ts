import type { Difference } from '../model/difference.js';
import { type Check, DEPENDENT_REASONS } from '../model/check.js';
import type { ReleaseVerdict, RunCounts, RunVerdict } from '../model/verdict.js';

export type { Difference, DifferenceKind } from '../model/difference.js';

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

/** The JSON document, schema crosscheck/report@1: the run's head and every release in full. */
export interface RunReport extends RunReportHead {
  releases: ReleaseReport[];
}

/** Everything about a run but its releases. */
export interface RunReportHead {
  schema: typeof REPORT_SCHEMA;
  project: string;
  displayName: string;
  generatedAt: string;
  tool: { name: 'crosscheck'; version: string };
  keyring: { dir: string; keys: { fingerprint: string; name: string }[] };
  sources: { site?: string; media?: string; pypi?: string; git?: string };
  verdict: RunVerdict;
  summary: RunCounts;
  /** Channels whose list of releases could not be had (the union may lack releases): the run is at best incomplete. */
  listingProblems?: string[];
  /** When the run started and ended, how it was invoked, and whether it re-verified the cache without the network. */
  run?: { startedAt: string; finishedAt: string; command: string; offline: boolean };
}

/** The line every report of an --offline run starts with. */
export const OFFLINE_NOTICE =
  'OFFLINE RUN: what the cache holds was verified again without the network; the channels were not asked what they serve now.';

/** Where and when each channel's copy of an artifact was fetched, one line each. */
export function fetchLines(release: ReleaseReport): string[] {
  const lines: string[] = [];
  for (const artifact of release.artifacts) {
    for (const channel of ['site', 'pypi'] as const) {
      const copy = artifact[channel];
      if (!copy) continue;
      const where = copy.finalUrl ?? copy.url;
      lines.push(
        `${artifact.filename} from ${channel}: ${where}${copy.fetchedAt ? `, ${copy.fromCache ? 'fetched by an earlier run' : 'fetched'} ${copy.fetchedAt}` : ', not fetched'}${copy.sha256 ? `, SHA-256 ${copy.sha256}` : ''}`,
      );
    }
  }
  return lines;
}

/** The columns of the summary tables, in order; a column appears when some check belongs to it. */
export const REPORT_CHANNELS = ['site', 'pypi', 'git', 'content', 'local'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

/**
 * What a run keeps in memory of each finished release — enough for the summary tables, the
 * totals and the verdict — while the release itself waits on disk until the report is written.
 */
export interface ReleaseSummary {
  version: string;
  verdict: ReleaseVerdict;
  /** Each channel's worst status: fail > unverified > warn > pass > skipped; '-' when it has no checks. */
  channels: Record<ReportChannel, string>;
  checks: { total: number; fail: number; unverified: number; skipped: number };
  /** What the user does about each check left unverified (its remedy), once each: the reports group releases by it. */
  remedies: string[];
}

/**
 * A report as the renderers read it: the head, a summary per release, and the releases
 * themselves one at a time, in order, so that writing a report of any length holds one release.
 */
export interface ReportSource {
  head: RunReportHead;
  summaries: readonly ReleaseSummary[];
  /** The releases in full, in the summaries' order; `only` skips those a renderer would not print. */
  releases(only?: (summary: ReleaseSummary) => boolean): AsyncIterable<ReleaseReport>;
}

export function summarize(release: ReleaseReport): ReleaseSummary {
  const count = (status: Check['status']) => release.checks.filter((c) => c.status === status).length;
  const channels = Object.fromEntries(
    REPORT_CHANNELS.map((channel) => [channel, channelStatus(release.checks, channel)]),
  ) as Record<ReportChannel, string>;
  const unverifiedChecks = release.checks.filter((c) => c.status === 'unverified');
  // A check unverified only because another one is adds nothing to do, when that one says it.
  const explained = release.checks.some(
    (c) => c.status === 'fail' || (c.status === 'unverified' && !DEPENDENT_REASONS.has(c.reason ?? '')),
  );
  const remedies = [
    ...new Set(
      unverifiedChecks
        .filter((c) => !(explained && DEPENDENT_REASONS.has(c.reason ?? '')))
        .map((c) => c.remedy ?? defaultRemedy(c)),
    ),
  ];
  return {
    version: release.version,
    verdict: release.verdict,
    channels,
    checks: {
      total: release.checks.length,
      fail: count('fail'),
      unverified: count('unverified'),
      skipped: count('skipped'),
    },
    remedies,
  };
}

/** For an unverified check that names no remedy: run again once what stopped it (a network, a limit) is fixed. */
function defaultRemedy(check: Check): string {
  if (check.reason?.startsWith('LIMIT_') || check.reason === 'RUN_DEADLINE')
    return 'raise the limit the message names (--limit NAME=VALUE) and run again';
  if (
    check.reason === 'NO_SIGNED_CHECKSUM' ||
    check.reason === 'NO_GIT_TREE' ||
    check.reason === 'NO_SDIST' ||
    check.reason === 'NO_WHEEL'
  )
    return 'see the check it depends on, fix that, and run again';
  return 'run again once the channel answers (network, server or missing file); if it persists, look at the message';
}

/** Releases grouped by what the user does about what was left unverified in them, largest group first. */
export function remedyGroups(summaries: readonly ReleaseSummary[]): { remedy: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const summary of summaries)
    for (const remedy of summary.remedies) groups.set(remedy, [...(groups.get(remedy) ?? []), summary.version]);
  return [...groups]
    .map(([remedy, versions]) => ({ remedy, versions }))
    .sort((a, b) => b.versions.length - a.versions.length || (a.remedy < b.remedy ? -1 : 1));
}

function channelStatus(checks: readonly Check[], channel: ReportChannel): string {
  const statuses = checks.filter((c) => c.channel === channel).map((c) => c.status);
  for (const status of ['fail', 'unverified', 'warn', 'pass'] as const) if (statuses.includes(status)) return status;
  return statuses.length > 0 ? 'skipped' : '-';
}

/** The channels some release has checks on: the summary tables' columns. */
export function reportedChannels(summaries: readonly ReleaseSummary[]): ReportChannel[] {
  return REPORT_CHANNELS.filter((channel) => summaries.some((s) => s.channels[channel] !== '-'));
}

/** A report already in memory (verify-file's few files) as a source. */
export function sourceOf(report: RunReport): ReportSource {
  const { releases, ...head } = report;
  const summaries = releases.map(summarize);
  return {
    head,
    summaries,
    async *releases(only) {
      for (const [index, release] of releases.entries()) if (!only || only(summaries[index]!)) yield release;
    },
  };
}
