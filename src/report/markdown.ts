import { type ReasonCode, REASONS } from '../model/reasons.js';
import type { Check } from '../model/check.js';
import {
  fetchLines,
  OFFLINE_NOTICE,
  type ReleaseReport,
  remedyGroups,
  type ReportSource,
  reportedChannels,
} from './model.js';
import { listVersions } from './text.js';
import type { TextSink } from './sink.js';

const VERDICT_LABEL: Record<string, string> = { pass: '✅ pass', fail: '❌ **FAIL**', incomplete: '⚠️ incomplete' };
const STATUS_LABEL: Record<string, string> = {
  pass: 'pass',
  fail: '**FAIL**',
  unverified: 'unverified',
  warn: 'warn',
  skipped: 'skipped',
  '-': '–',
};

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
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** What a pass covers and what it cannot: said in every statement, so that a reader does not take more from it. */
const NOT_COVERED = [
  "A release manager's key used by someone else, or a release manager acting in bad faith: a release signed with a pinned key and built faithfully from a tag they signed passes.",
  'What the tagged source itself does: a malicious commit that was reviewed, tagged and signed is the release.',
  "The project's dependencies, and files the signed checksum file does not list.",
  'What the channels serve after the run: each run checks what they served when it ran.',
  'Releases and checks marked incomplete or unverified below.',
];

/**
 * A statement a security team can publish — what was verified, per release and channel, who
 * signed, what each warning means, what a pass does not cover, when it ran and how to reproduce
 * it, and every failure with its evidence — followed, apart from it, by what the operator should
 * do about what could not be verified.
 */
export async function writeMarkdown(source: ReportSource, sink: TextSink): Promise<void> {
  const { head, summaries } = source;
  const out: string[] = [];
  const { summary } = head;
  if (head.run?.offline) out.push(`**${md(OFFLINE_NOTICE)}**`, '');
  out.push(`# ${md(head.displayName)} release integrity statement`, '');
  out.push(
    `${summary.releases} release(s) checked: **${summary.pass} passed**, **${summary.fail} failed**, **${summary.incomplete} could not be fully verified**. ` +
      (head.run
        ? `Run from ${head.run.startedAt} to ${head.run.finishedAt} by crosscheck ${head.tool.version}.`
        : `Generated ${head.generatedAt} by crosscheck ${head.tool.version}.`),
    '',
  );
  if (head.run) out.push(`To reproduce it: ${code(head.run.command)}`, '');
  out.push('## What was checked', '');
  out.push(
    "For each release: the PGP-signed checksum file and the signed git tag against the pinned release-manager keys below (by full fingerprint); the SHA-256 of every artifact from every channel against the signed checksums; and every file of the sdist and the wheel against the git tag — identical to the tag's, or recomputed from what the tag declares (metadata, file lists, licences).",
    '',
  );
  const sources = Object.entries(head.sources).map(([name, url]) => `- ${md(name)}: ${code(url ?? '')}`);
  if (sources.length) out.push('Sources:', '', ...sources, '');
  out.push(
    'Pinned keys:',
    '',
    '| fingerprint | holder |',
    '|---|---|',
    ...head.keyring.keys.map(
      (k) => `| ${code(k.fingerprint, { inTable: true })} | ${md(k.name.replace(/\s*<[^>]*>$/, ''))} |`,
    ),
    '',
  );
  const channels = reportedChannels(summaries);
  const titles: Record<string, string> = {
    site: 'site',
    pypi: 'PyPI',
    git: 'git',
    content: 'contents',
    local: 'local file',
  };
  out.push(
    '## Results',
    '',
    `| release | ${channels.map((c) => titles[c]).join(' | ')} | verdict |`,
    `|---|${channels.map(() => '---|').join('')}---|`,
  );
  for (const release of summaries) {
    const cells = channels.map((c) => STATUS_LABEL[release.channels[c]] ?? release.channels[c]);
    out.push(`| ${md(release.version)} | ${cells.join(' | ')} | ${VERDICT_LABEL[release.verdict]} |`);
  }
  out.push('');
  for (const problem of head.listingProblems ?? [])
    out.push(`The list of releases may be incomplete: ${md(problem)}`, '');
  await sink.write(`${out.join('\n')}\n`);

  // Who signed, and what each warning means: read release by release, kept small (one line per release, one per reason).
  const signed: string[] = [];
  const warnings = new Map<ReasonCode, Set<string>>();
  for await (const release of source.releases()) {
    const names = (signers: readonly { name: string; fingerprint: string }[]) =>
      signers.length
        ? signers
            .map((s) => `${md(s.name.replace(/\s*<[^>]*>$/, ''))} ${code(s.fingerprint, { inTable: true })}`)
            .join('<br>')
        : '–';
    signed.push(`| ${md(release.version)} | ${names(release.checksumSigners)} | ${names(release.tagSigners)} |`);
    for (const check of release.checks)
      if (check.status === 'warn' && check.reason)
        warnings.set(check.reason, (warnings.get(check.reason) ?? new Set()).add(release.version));
  }
  const part: string[] = ['## Who signed', '', '| release | checksum file | git tag |', '|---|---|---|', ...signed, ''];
  if (warnings.size > 0) {
    part.push(
      '## What the warnings mean',
      '',
      'A warning is a check that passed with a caveat; none of them is evidence of tampering.',
      '',
    );
    for (const [reason, versions] of warnings)
      part.push(`- ${code(reason)} (${md(listVersions([...versions]))}): ${md(REASONS[reason].meaning)}.`);
    part.push('');
  }
  part.push('## What a pass does not cover', '', ...NOT_COVERED.map((line) => `- ${md(line)}`), '');
  const troubled = (release: { verdict: string }) => release.verdict !== 'pass';
  if (!summaries.some(troubled)) part.push('Every release passed every check.', '');
  else part.push('## Findings', '');
  await sink.write(`${part.join('\n')}\n`);
  if (summaries.some(troubled))
    for await (const release of source.releases(troubled)) await sink.write(`${findings(release).join('\n')}\n`);
  await sink.write('## Where each file was fetched\n\n| release | file, channel, where, when, SHA-256 |\n|---|---|\n');
  for await (const release of source.releases()) {
    for (const line of fetchLines(release))
      await sink.write(`| ${md(release.version)} | ${code(line, { inTable: true })} |\n`);
  }
  await sink.write('\n');

  // Apart from the statement: what the person who ran it does next.
  const groups = remedyGroups(summaries);
  if (groups.length > 0) {
    const operator = [
      '---',
      '',
      '## For the operator (not part of the statement)',
      '',
      'What could not be verified, and what to do:',
      '',
    ];
    for (const { remedy, versions } of groups) operator.push(`- ${md(remedy)}: ${md(listVersions(versions))}`);
    await sink.write(`${operator.join('\n')}\n\n`);
  }
}

function findings(release: ReleaseReport): string[] {
  const out = [`### ${md(release.version)}: ${VERDICT_LABEL[release.verdict]}`, ''];
  if (release.summary) out.push(md(release.summary), '');
  for (const check of release.checks.filter((c) => c.status === 'fail' || c.status === 'unverified'))
    out.push(...evidence(check));
  const failing = release.differences.filter((d) => !d.allowed);
  if (failing.length > 0) {
    out.push('', '| check | path | difference | digests |', '|---|---|---|---|');
    for (const d of failing.slice(0, 100)) {
      // RECORD's hash field is the wheel's own text, not a digest crosscheck computed: escaped like the rest.
      out.push(
        `| ${md(d.check)} | ${code(d.path, { inTable: true })} | ${md(d.kind)}${d.detail ? `: ${md(d.detail)}` : ''} | ${Object.entries(
          d.digests,
        )
          .map(([side, digest]) => `${md(side)} ${code(digest, { inTable: true })}`)
          .join('<br>')} |`,
      );
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
  return lines;
}
