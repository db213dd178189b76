import type { Check } from '../verdict/check.js';
import { fetchLines, OFFLINE_NOTICE, type ReleaseReport, remedyGroups, type ReportSource, reportedChannels } from './model.js';
import { listVersions } from './text.js';
import type { TextSink } from './sink.js';

const VERDICT_LABEL: Record<string, string> = { pass: '✅ pass', fail: '❌ **FAIL**', incomplete: '⚠️ incomplete' };
const STATUS_LABEL: Record<string, string> = { pass: 'pass', fail: '**FAIL**', unverified: 'unverified', warn: 'warn', skipped: 'skipped', '-': '–' };

/** Escapes text for a Markdown table cell or paragraph: no HTML, no table breaks, no links. */
function md(text: string): string {
  return visibleControls(text).replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}

/**
 * Text as a code span, shown exactly: backslash escapes do not work inside one (escaped text
 * showed its backslashes, django/\_injected.py), so the span is fenced by one backtick more than
 * the longest run inside it, and only a table cell's pipes are escaped (GFM reads \| there).
 */
function code(text: string, options: { inTable?: boolean } = {}): string {
  let body = visibleControls(text);
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  const fence = '`'.repeat(Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A statement a security team can post: what was checked, against which keys, a table of
 * releases × channels, and every failure and unverified check with its evidence.
 */
export async function writeMarkdown(source: ReportSource, sink: TextSink): Promise<void> {
  const { head, summaries } = source;
  const out: string[] = [];
  const { summary } = head;
  if (head.run?.offline) out.push(`**${md(OFFLINE_NOTICE)}**`, '');
  out.push(`# ${md(head.displayName)} release integrity report`, '');
  out.push(
    (head.run ? `Run from ${head.run.startedAt} to ${head.run.finishedAt} by crosscheck ${head.tool.version}; to run it again: ${code(head.run.command)}. ` : `Generated ${head.generatedAt} by crosscheck ${head.tool.version}. `) +
      `${summary.releases} release(s) checked: **${summary.pass} passed**, **${summary.fail} failed**, **${summary.incomplete} could not be fully verified**.`,
    '',
  );
  out.push('## What was checked', '');
  out.push('For each release: the PGP-signed checksum file and the signed git tag against the pinned release-manager keys below (by full fingerprint); the SHA-256 of every artifact from every channel against the signed checksums; and the contents of the sdist against the git tag and of the wheel against the sdist, allowing only the documented differences of a normal build.', '');
  const sources = Object.entries(head.sources).map(([name, url]) => `- ${md(name)}: ${code(url ?? '')}`);
  if (sources.length) out.push('Sources:', '', ...sources, '');
  out.push('Pinned keys:', '', '| fingerprint | holder |', '|---|---|', ...head.keyring.keys.map((k) => `| ${code(k.fingerprint, { inTable: true })} | ${md(k.name.replace(/\s*<[^>]*>$/, ''))} |`), '');
  const channels = reportedChannels(summaries);
  const titles: Record<string, string> = { site: 'site', pypi: 'PyPI', git: 'git', content: 'contents', local: 'local file' };
  out.push('## Results', '', `| release | ${channels.map((c) => titles[c]).join(' | ')} | verdict |`, `|---|${channels.map(() => '---|').join('')}---|`);
  for (const release of summaries) {
    const cells = channels.map((c) => STATUS_LABEL[release.channels[c]] ?? release.channels[c]);
    out.push(`| ${md(release.version)} | ${cells.join(' | ')} | ${VERDICT_LABEL[release.verdict]} |`);
  }
  out.push('');
  const groups = remedyGroups(summaries);
  if (groups.length > 0) {
    out.push('## What could not be verified, and what to do', '');
    for (const { remedy, versions } of groups) out.push(`- ${md(remedy)}: ${md(listVersions(versions))}`);
    out.push('');
  }
  const troubled = (release: { verdict: string }) => release.verdict !== 'pass';
  for (const problem of head.listingProblems ?? []) out.push(`The list of releases may be incomplete: ${md(problem)}`, '');
  if (!summaries.some(troubled)) out.push('Every release passed every check.', '');
  else out.push('## Findings', '');
  await sink.write(`${out.join('\n')}\n`);
  if (summaries.some(troubled)) for await (const release of source.releases(troubled)) await sink.write(`${findings(release).join('\n')}\n`);
  await sink.write('## Where each file was fetched\n\n| release | file, channel, where, when, SHA-256 |\n|---|---|\n');
  for await (const release of source.releases()) {
    for (const line of fetchLines(release)) await sink.write(`| ${md(release.version)} | ${code(line, { inTable: true })} |\n`);
  }
  await sink.write('\n');
}

function findings(release: ReleaseReport): string[] {
  const out = [`### ${md(release.version)}: ${VERDICT_LABEL[release.verdict]}`, ''];
  if (release.summary) out.push(md(release.summary), '');
  for (const check of release.checks.filter((c) => c.status === 'fail' || c.status === 'unverified')) out.push(...evidence(check));
  const failing = release.differences.filter((d) => !d.allowed);
  if (failing.length > 0) {
    out.push('', '| check | path | difference | digests |', '|---|---|---|---|');
    for (const d of failing.slice(0, 100)) {
      // RECORD's hash field is the wheel's own text, not a digest crosscheck computed: escaped like the rest.
      out.push(`| ${md(d.check)} | ${code(d.path, { inTable: true })} | ${md(d.kind)}${d.detail ? `: ${md(d.detail)}` : ''} | ${Object.entries(d.digests).map(([side, digest]) => `${md(side)} ${code(digest, { inTable: true })}`).join('<br>')} |`);
    }
    if (failing.length > 100) out.push('', `… and ${failing.length - 100} more in the JSON report.`);
  }
  out.push('');
  return out;
}

function evidence(check: Check): string[] {
  const lines = [`- **${check.status === 'fail' ? 'FAIL' : 'unverified'}** ${code(check.id)} — ${md(check.message)}`];
  if (check.reason) lines.push(`  - reason: ${code(check.reason)}`);
  if (check.expected !== undefined) lines.push(`  - expected: ${code(check.expected)}`);
  if (check.actual !== undefined) lines.push(`  - found: ${code(check.actual)}`);
  if (check.url) lines.push(`  - where: ${code(check.url)}`);
  if (check.file) lines.push(`  - file: ${code(check.file)}`);
  if (check.remedy) lines.push(`  - to verify it: ${md(check.remedy)}`);
  return lines;
}
