import type { Check, CheckStatus } from '../model/check.js';
import { escapeTerminal } from './escape.js';
import {
  fetchLines,
  OFFLINE_NOTICE,
  type ReleaseReport,
  remedyGroups,
  type ReportSource,
  reportedChannels,
} from './model.js';
import type { TextSink } from './sink.js';

const MARK: Record<CheckStatus, string> = {
  pass: 'ok  ',
  fail: 'FAIL',
  unverified: '??  ',
  warn: 'warn',
  skipped: 'skip',
};
const VERDICT: Record<string, string> = {
  pass: 'PASS',
  fail: 'FAIL (tampering or mismatch)',
  incomplete: 'INCOMPLETE (could not verify everything)',
};

/** The human report: one line per check, evidence under every failure, a verdict per release, a summary table. */
export async function writeText(source: ReportSource, out: TextSink, options: { color?: boolean } = {}): Promise<void> {
  const paint = colorizer(options.color ?? false);
  if (source.head.run?.offline) await out.write(`${paint('yellow', OFFLINE_NOTICE)}\n\n`);
  for await (const release of source.releases()) {
    const lines = [paint('bold', escapeTerminal(`${source.head.displayName} ${release.version}`))];
    for (const check of release.checks) lines.push(...checkLines(check, paint));
    lines.push(...differenceLines(release));
    const fetched = fetchLines(release);
    if (fetched.length > 0) lines.push('  fetched:', ...fetched.map((line) => `    ${escapeTerminal(line)}`));
    if (release.summary) lines.push('', `  ${paint('bold', escapeTerminal(release.summary))}`);
    lines.push(
      `  verdict: ${paint(release.verdict === 'pass' ? 'green' : release.verdict === 'fail' ? 'red' : 'yellow', VERDICT[release.verdict]!)}`,
    );
    lines.push('');
    await out.write(`${lines.join('\n')}\n`);
  }
  await out.write(`${summaryTable(source).join('\n')}\n`);
}

/**
 * verify-file's answer: for each file, the one sentence and the verdict; what to do about what
 * could not be verified; where the evidence is. `--verbose` or `--format json` give every check.
 */
export async function writeBriefText(
  source: ReportSource,
  out: TextSink,
  options: { color?: boolean } = {},
): Promise<void> {
  const paint = colorizer(options.color ?? false);
  if (source.head.run?.offline) await out.write(`${paint('yellow', OFFLINE_NOTICE)}\n\n`);
  let complete = true;
  for await (const release of source.releases()) {
    const color = release.verdict === 'pass' ? 'green' : release.verdict === 'fail' ? 'red' : 'yellow';
    const lines = [
      escapeTerminal(release.summary ?? `${source.head.displayName} ${release.version}`),
      `verdict: ${paint(color, VERDICT[release.verdict]!)}`,
    ];
    const remedies = [
      ...new Set(release.checks.filter((c) => c.status === 'unverified' && c.remedy).map((c) => c.remedy!)),
    ];
    for (const remedy of remedies.slice(0, 3)) lines.push(escapeTerminal(`to do: ${remedy}`));
    complete &&= release.verdict === 'pass';
    await out.write(`${lines.join('\n')}\n`);
  }
  if (!complete) await out.write(`(every check and its evidence: add --verbose, or --format json)\n`);
}

function checkLines(check: Check, paint: Paint): string[] {
  const color =
    check.status === 'pass'
      ? 'green'
      : check.status === 'fail'
        ? 'red'
        : check.status === 'unverified'
          ? 'yellow'
          : 'dim';
  const e = escapeTerminal;
  const lines = [`  ${paint(color, MARK[check.status])} ${e(check.id).padEnd(30)} ${e(check.message)}`];
  if (check.status === 'fail' || check.status === 'unverified') {
    if (check.reason) lines.push(`         reason:   ${e(check.reason)}`);
    if (check.expected !== undefined) lines.push(`         expected: ${e(check.expected)}`);
    if (check.actual !== undefined) lines.push(`         found:    ${e(check.actual)}`);
    if (check.url) lines.push(`         url:      ${e(check.url)}`);
    if (check.file) lines.push(`         file:     ${e(check.file)}`);
    if (check.remedy) lines.push(`         to do:    ${e(check.remedy)}`);
  }
  return lines;
}

function differenceLines(release: ReleaseReport): string[] {
  if (release.differences.length === 0) return [];
  const failing = release.differences.filter((d) => !d.allowed);
  const allowed = release.differences.filter((d) => d.allowed);
  const byRule = new Map<string, number>();
  for (const d of allowed)
    byRule.set(d.rule ?? `waiver (${d.waiver})`, (byRule.get(d.rule ?? `waiver (${d.waiver})`) ?? 0) + 1);
  const lines = [
    `  differences: ${failing.length} not allowed, ${allowed.length} allowed${byRule.size > 0 ? ` (${[...byRule].map(([rule, n]) => `${rule} ×${n}`).join(', ')})` : ''}`,
  ];
  for (const d of failing.slice(0, 50)) {
    lines.push(escapeTerminal(`    ${d.check} ${d.kind} ${d.path}${d.detail ? ` — ${d.detail}` : ''}`));
    const digests = Object.entries(d.digests)
      .map(([side, digest]) => `${side} ${digest}`)
      .join(', ');
    if (digests) lines.push(escapeTerminal(`      ${digests}`));
  }
  if (failing.length > 50) lines.push(`    … ${failing.length - 50} more in the JSON report`);
  return lines;
}

function summaryTable({ head, summaries }: ReportSource): string[] {
  const channels = reportedChannels(summaries);
  const rows = summaries.map((r) => [
    escapeTerminal(r.version),
    ...channels.map((c) => r.channels[c]),
    r.verdict.toUpperCase(),
  ]);
  const header = ['release', ...channels, 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const { summary } = head;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${summary.releases} release(s): ${summary.pass} pass, ${summary.fail} fail, ${summary.incomplete} incomplete — ${VERDICT[head.verdict]}`,
    ...remedyLines(summaries),
    escapeTerminal(`pinned keys: ${head.keyring.keys.map((k) => `${k.name} ${k.fingerprint}`).join('; ')}`),
    ...(head.run
      ? [
          escapeTerminal(
            `run: ${head.run.startedAt} to ${head.run.finishedAt}, crosscheck ${head.tool.version}; to run it again: ${head.run.command}`,
          ),
        ]
      : []),
    ...(head.listingProblems ?? []).map((problem) =>
      escapeTerminal(`the list of releases may be incomplete: ${problem}`),
    ),
  ];
}

/** What to do about what could not be verified, each once, with the releases it concerns. */
function remedyLines(summaries: ReportSource['summaries']): string[] {
  const groups = remedyGroups(summaries);
  if (groups.length === 0) return [];
  const lines = ['', 'What could not be verified, and what to do:'];
  for (const { remedy, versions } of groups) lines.push(escapeTerminal(`  - ${remedy}: ${listVersions(versions)}`));
  return lines;
}

/** A list of versions, clipped after twelve: a group can hold a hundred releases. */
export function listVersions(versions: readonly string[]): string {
  return versions.length > 12
    ? `${versions.slice(0, 12).join(', ')} … (${versions.length} releases)`
    : versions.join(', ');
}

type Paint = (color: 'green' | 'red' | 'yellow' | 'dim' | 'bold', text: string) => string;

function colorizer(enabled: boolean): Paint {
  const codes = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 };
  return (color, text) => (enabled ? `\u001b[${codes[color]}m${text}\u001b[0m` : text);
}
