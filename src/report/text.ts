import type { Check, CheckStatus } from '../verdict/check.js';
import { escapeTerminal } from './escape.js';
import type { ReleaseReport, RunReport } from './model.js';

const MARK: Record<CheckStatus, string> = { pass: 'ok  ', fail: 'FAIL', unverified: '??  ', warn: 'warn', skipped: 'skip' };
const VERDICT: Record<string, string> = { pass: 'PASS', fail: 'FAIL (tampering or mismatch)', incomplete: 'INCOMPLETE (could not verify everything)' };

/** The human report: one line per check, evidence under every failure, a verdict per release, a summary table. */
export function renderText(report: RunReport, options: { color?: boolean } = {}): string {
  const paint = colorizer(options.color ?? false);
  const out: string[] = [];
  for (const release of report.releases) {
    out.push(paint('bold', escapeTerminal(`${report.displayName} ${release.version}`)));
    for (const check of release.checks) out.push(...checkLines(check, paint));
    out.push(...differenceLines(release));
    if (release.summary) out.push('', `  ${paint('bold', escapeTerminal(release.summary))}`);
    out.push(`  verdict: ${paint(release.verdict === 'pass' ? 'green' : release.verdict === 'fail' ? 'red' : 'yellow', VERDICT[release.verdict]!)}`);
    out.push('');
  }
  out.push(...summaryTable(report));
  return `${out.join('\n')}\n`;
}

function checkLines(check: Check, paint: Paint): string[] {
  const color = check.status === 'pass' ? 'green' : check.status === 'fail' ? 'red' : check.status === 'unverified' ? 'yellow' : 'dim';
  const e = escapeTerminal;
  const lines = [`  ${paint(color, MARK[check.status])} ${e(check.id).padEnd(30)} ${e(check.message)}`];
  if (check.status === 'fail' || check.status === 'unverified') {
    if (check.reason) lines.push(`         reason:   ${e(check.reason)}`);
    if (check.expected !== undefined) lines.push(`         expected: ${e(check.expected)}`);
    if (check.actual !== undefined) lines.push(`         found:    ${e(check.actual)}`);
    if (check.url) lines.push(`         url:      ${e(check.url)}`);
    if (check.file) lines.push(`         file:     ${e(check.file)}`);
  }
  return lines;
}

function differenceLines(release: ReleaseReport): string[] {
  if (release.differences.length === 0) return [];
  const failing = release.differences.filter((d) => !d.allowed);
  const allowed = release.differences.filter((d) => d.allowed);
  const byRule = new Map<string, number>();
  for (const d of allowed) byRule.set(d.rule ?? `waiver (${d.waiver})`, (byRule.get(d.rule ?? `waiver (${d.waiver})`) ?? 0) + 1);
  const lines = [`  differences: ${failing.length} not allowed, ${allowed.length} allowed${byRule.size > 0 ? ` (${[...byRule].map(([rule, n]) => `${rule} ×${n}`).join(', ')})` : ''}`];
  for (const d of failing.slice(0, 50)) {
    lines.push(escapeTerminal(`    ${d.check} ${d.kind} ${d.path}${d.detail ? ` — ${d.detail}` : ''}`));
    const digests = Object.entries(d.digests).map(([side, digest]) => `${side} ${digest}`).join(', ');
    if (digests) lines.push(escapeTerminal(`      ${digests}`));
  }
  if (failing.length > 50) lines.push(`    … ${failing.length - 50} more in the JSON report`);
  return lines;
}

function summaryTable(report: RunReport): string[] {
  const channels = REPORT_CHANNELS.filter((channel) => report.releases.some((r) => r.checks.some((c) => c.channel === channel)));
  const rows = report.releases.map((r) => [escapeTerminal(r.version), ...channels.map((c) => channelStatus(r, c)), r.verdict.toUpperCase()]);
  const header = ['release', ...channels, 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const { summary } = report;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${summary.releases} release(s): ${summary.pass} pass, ${summary.fail} fail, ${summary.incomplete} incomplete — ${VERDICT[report.verdict]}`,
    escapeTerminal(`pinned keys: ${report.keyring.keys.map((k) => `${k.name} ${k.fingerprint}`).join('; ')}`),
  ];
}

/** The columns of the summary tables, in order; a column appears when some check belongs to it. */
export const REPORT_CHANNELS = ['site', 'pypi', 'git', 'content', 'local'] as const;

/** A channel's worst status for one release: fail > unverified > warn > pass; '-' when it has no checks. */
export function channelStatus(release: ReleaseReport, channel: string): string {
  const statuses = release.checks.filter((c) => c.channel === channel).map((c) => c.status);
  for (const status of ['fail', 'unverified', 'warn', 'pass'] as const) if (statuses.includes(status)) return status;
  return statuses.length > 0 ? 'skipped' : '-';
}

type Paint = (color: 'green' | 'red' | 'yellow' | 'dim' | 'bold', text: string) => string;

function colorizer(enabled: boolean): Paint {
  const codes = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 };
  return (color, text) => (enabled ? `\u001b[${codes[color]}m${text}\u001b[0m` : text);
}
