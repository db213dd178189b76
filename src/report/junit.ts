import type { Check } from '../verdict/check.js';
import { fetchLines, OFFLINE_NOTICE, type ReleaseReport, type ReportSource, type RunReportHead } from './model.js';
import type { TextSink } from './sink.js';

/** XML 1.0 text: escapes markup and drops characters XML cannot carry at all. */
function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * JUnit XML as CI dashboards read it (the Jenkins/Ant schema): one testsuite per release, one
 * testcase per check; fail → <failure>, unverified → <error>, skipped → <skipped>; warnings pass
 * and are listed in the suite's <system-out> (the Ant schema allows no output inside a testcase).
 */
export async function writeJunit(source: ReportSource, out: TextSink): Promise<void> {
  const { head, summaries } = source;
  const total = (count: (checks: (typeof summaries)[number]['checks']) => number) => summaries.reduce((sum, s) => sum + count(s.checks), 0);
  // A comment before the root element: the first thing a person opening the file reads.
  const notice = head.run?.offline ? `<!-- ${OFFLINE_NOTICE} -->\n` : '';
  await out.write(`<?xml version="1.0" encoding="UTF-8"?>\n${notice}<testsuites name="crosscheck ${xml(head.displayName)}" tests="${total((c) => c.total)}" failures="${total((c) => c.fail)}" errors="${total((c) => c.unverified)}" time="0">\n`);
  let index = 0;
  for await (const release of source.releases()) await out.write(`${testSuite(head, release, index++)}\n`);
  await out.write('</testsuites>\n');
}

function testSuite(head: RunReportHead, release: ReleaseReport, index: number): string {
  const count = (status: Check['status']) => release.checks.filter((c) => c.status === status).length;
  const cases = release.checks.map((check) => {
    const name = `${check.id}${check.artifact && !check.id.includes(check.artifact) ? ` (${check.artifact})` : ''}`;
    const detail = [check.message, check.reason && `reason: ${check.reason}`, check.expected !== undefined && `expected: ${check.expected}`, check.actual !== undefined && `found: ${check.actual}`, check.url && `url: ${check.url}`, check.file && `file: ${check.file}`]
      .filter(Boolean)
      .join('\n');
    const open = `    <testcase classname="${xml(`${head.project}.${release.version}.${check.channel}`)}" name="${xml(name)}" time="0">`;
    switch (check.status) {
      case 'fail':
        return `${open}\n      <failure message="${xml(check.message)}" type="${xml(check.reason ?? 'FAIL')}">${xml(detail)}</failure>\n    </testcase>`;
      case 'unverified':
        return `${open}\n      <error message="${xml(check.message)}" type="${xml(check.reason ?? 'UNVERIFIED')}">${xml(detail)}</error>\n    </testcase>`;
      case 'skipped':
        return `${open}\n      <skipped message="${xml(check.message)}"/>\n    </testcase>`;
      default:
        return `${open}</testcase>`;
    }
  });
  return [
    `  <testsuite name="${xml(`${head.displayName} ${release.version}`)}" id="${index}" package="${xml(head.project)}" hostname="crosscheck" timestamp="${head.generatedAt.slice(0, 19)}" tests="${release.checks.length}" failures="${count('fail')}" errors="${count('unverified')}" skipped="${count('skipped')}" time="0">`,
    '    <properties>',
    `      <property name="verdict" value="${release.verdict}"/>`,
    ...(head.run ? [`      <property name="offline" value="${head.run.offline}"/>`, `      <property name="command" value="${xml(head.run.command)}"/>`] : []),
    ...fetchLines(release).map((line, i) => `      <property name="fetched.${i + 1}" value="${xml(line)}"/>`),
    '    </properties>',
    ...cases,
    `    <system-out>${xml(release.checks.filter((c) => c.status === 'warn').map((c) => `warning ${c.id}: ${c.message}`).join('\n'))}</system-out>`,
    '    <system-err></system-err>',
    '  </testsuite>',
  ].join('\n');
}
