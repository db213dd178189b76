import type { Check } from '../model/check.js';
import { fetchLines, OFFLINE_NOTICE, type ReleaseReport, type ReportSource, type RunReportHead } from './model.js';
import type { TextSink } from './sink.js';

/** XML 1.0 text: escapes markup and drops characters XML cannot carry at all. */
function xml(text: string): string {
  return text
    .replace(
      /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * JUnit XML as CI dashboards read it (the Jenkins/Ant schema): one testsuite per release, one
 * testcase per check; fail → <failure>, unverified → <error>, skipped → <skipped>; warnings pass
 * and are listed in the suite's <system-out> (the Ant schema allows no output inside a testcase).
 * Counts (tests, failures, errors, skipped) on every level, and every test name unique in its
 * suite: tools match tests across runs by name, and two copies' checks under one name would show
 * as one flaky test.
 */
export async function writeJunit(source: ReportSource, out: TextSink): Promise<void> {
  const { head, summaries } = source;
  const total = (count: (checks: (typeof summaries)[number]['checks']) => number) =>
    summaries.reduce((sum, s) => sum + count(s.checks), 0);
  // A comment before the root element: the first thing a person opening the file reads.
  const notice = head.run?.offline ? `<!-- ${OFFLINE_NOTICE} -->\n` : '';
  await out.write(
    `<?xml version="1.0" encoding="UTF-8"?>\n${notice}<testsuites name="crosscheck ${xml(head.displayName)}" tests="${total((c) => c.total)}" failures="${total((c) => c.fail)}" errors="${total((c) => c.unverified)}" skipped="${total((c) => c.skipped)}" time="0">\n`,
  );
  let index = 0;
  for await (const release of source.releases()) await out.write(`${testSuite(head, release, index++)}\n`);
  await out.write('</testsuites>\n');
}

/** A check's test name: its id, with the file and whose copies of it when it is about one; unique in its suite. */
function testNames(checks: readonly Check[]): string[] {
  const seen = new Map<string, number>();
  return checks.map((check) => {
    const about = [
      check.file,
      check.copies ? `${check.copies} copy` : undefined,
      !check.file && check.artifact && !check.id.includes(check.artifact) ? check.artifact : undefined,
    ].filter(Boolean);
    const name = about.length > 0 ? `${check.id} (${about.join(', ')})` : check.id;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} #${n}`;
  });
}

function testSuite(head: RunReportHead, release: ReleaseReport, index: number): string {
  const count = (status: Check['status']) => release.checks.filter((c) => c.status === status).length;
  const names = testNames(release.checks);
  const cases = release.checks.map((check, i) => {
    const detail = [
      check.message,
      check.reason && `reason: ${check.reason}`,
      check.expected !== undefined && `expected: ${check.expected}`,
      check.actual !== undefined && `found: ${check.actual}`,
      check.url && `url: ${check.url}`,
      check.file && `file: ${check.file}`,
      check.remedy && `to do: ${check.remedy}`,
    ]
      .filter(Boolean)
      .join('\n');
    const open = `    <testcase classname="${xml(`${head.project}.${release.version}.${check.channel}`)}" name="${xml(names[i]!)}" time="0">`;
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
    ...(head.run
      ? [
          `      <property name="offline" value="${head.run.offline}"/>`,
          `      <property name="command" value="${xml(head.run.command)}"/>`,
        ]
      : []),
    ...fetchLines(release).map((line, i) => `      <property name="fetched.${i + 1}" value="${xml(line)}"/>`),
    '    </properties>',
    ...cases,
    `    <system-out>${xml(
      release.checks
        .filter((c) => c.status === 'warn')
        .map((c) => `warning ${c.id}: ${c.message}`)
        .join('\n'),
    )}</system-out>`,
    '    <system-err></system-err>',
    '  </testsuite>',
  ].join('\n');
}
