import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { marked } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeyFingerprint } from '../../fixtures/release/gpg.js';
import { releaseSpec } from '../../fixtures/world/build.js';
import { SCENARIOS } from '../../fixtures/world/scenarios.js';
import { ROOT } from '../helpers/paths.js';
import { CLI, createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

const run = promisify(execFile);
let t: TestWorld;
let jsonReport: string;

beforeAll(async () => {
  t = await createTestWorld([releaseSpec('4.2.28'), releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })], {
    mutate: async (root, manifest, gpg) =>
      SCENARIOS['pypi-wheel-injected-file']!.mutate!({ root, manifest, gpg }, '4.2.28'),
  });
  const dir = await mkdtemp(join(tmpdir(), 'crosscheck-reports-'));
  jsonReport = join(dir, 'report.json');
  const result = await runCli([
    'verify',
    'django',
    '4.2.28',
    '5.2.16',
    '--format',
    'json',
    '--output',
    jsonReport,
    ...worldArgs(t),
  ]);
  expect(result.code).toBe(1);
});
afterAll(async () => {
  await t?.dispose();
});

describe('the Markdown statement', () => {
  it('renders as a table of releases × channels, with keys and evidence', async () => {
    const result = await runCli(['report', jsonReport, '--format', 'markdown']);
    expect(result.code).toBe(1);
    const html = await marked.parse(result.stdout);
    const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
    const results = tables.find((table) => table.includes('<th>release</th>'))!;
    expect(results).toBeDefined();
    const rows = [...results.matchAll(/<tr>\s*<td>([\s\S]*?)<\/tr>/g)].map((m) =>
      m[0]
        .replace(/<[^>]+>/g, '|')
        .replace(/\s+/g, '')
        .replace(/\|+/g, '|'),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe('|4.2.28|pass|FAIL|pass|FAIL|❌|FAIL|');
    expect(rows[1]).toBe('|5.2.16|pass|pass|pass|pass|✅pass|');
    const bob = await testKeyFingerprint('bob');
    expect(tables.some((table) => table.includes('<th>fingerprint</th>') && table.includes(bob))).toBe(true);
    expect(html).toContain('<code>pypi.wheel.declared-digest</code>');
    // Shown exactly inside code spans, where a backslash escape would show as a backslash.
    expect(html).toContain('<code>django/_injected.py</code>');
    expect(html).not.toContain('\\_');
  });

  it('escapes attacker-controlled text so it cannot inject markup', async () => {
    const report = JSON.parse(await readFile(jsonReport, 'utf8'));
    report.releases[0].checks[0].status = 'fail';
    report.releases[0].checks[0].message = '<script>alert(1)</script> | [link](http://evil.test) \u001b[2J';
    // A wheel's RECORD hash field and member names reach the report as they are.
    report.releases[0].differences[0].allowed = false;
    report.releases[0].differences[0].path = 'a``b|<script>x</script>`';
    report.releases[0].differences[0].digests.record = '`<img src=x onerror=alert(1)>|';
    const tampered = join(await mkdtemp(join(tmpdir(), 'crosscheck-md-')), 'report.json');
    await writeFile(tampered, JSON.stringify(report));
    const html = await marked.parse((await runCli(['report', tampered, '--format', 'markdown'])).stdout);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="http://evil.test"');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('<code>a``b|&lt;script&gt;x&lt;/script&gt;`</code>');
  });
});

describe('writing a report', () => {
  it('ends with exit code 2 and says why when the file cannot be written', async () => {
    const result = await runCli([
      'report',
      jsonReport,
      '--format',
      'json',
      '--output',
      join(tmpdir(), 'crosscheck-no-such-dir', 'sub', 'report.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot write the report to');
  });

  it('is found impossible before a verify run starts, not after it has verified every release', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-output-'));
    const cache = join(dir, 'cache');
    for (const output of [join(dir, 'no-such-dir', 'report.json'), dir]) {
      const result = await runCli([
        'verify',
        'django',
        '5.2.16',
        '--output',
        output,
        ...worldArgs(t),
        '--cache',
        cache,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`cannot write the report to ${output}: `);
      // The run never began: it would have made the cache first.
      expect(existsSync(cache)).toBe(false);
    }
  });

  it('says what a --cache that is a file is, rather than quoting mkdir', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'crosscheck-cache-file-')), 'not-a-dir');
    await writeFile(file, '');
    const result = await runCli(['verify', 'django', '5.2.16', ...worldArgs(t), '--cache', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file} must be a directory, not a symbolic link or a file`);
  });

  it("ends with exit code 2, not the verdict's, when what reads stdout stops reading", async () => {
    const child = spawn(process.execPath, [CLI, 'report', jsonReport, '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('cannot write the report to stdout: write EPIPE');
  });
});

describe('the JUnit report', () => {
  let file: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-junit-'));
    file = join(dir, 'report.xml');
    const result = await runCli(['report', jsonReport, '--format', 'junit', '--output', file]);
    expect(result.code).toBe(1);
  });

  it('validates against the JUnit schema CI systems read: counts on every level, names unique in each suite', async () => {
    const { stderr } = await run('xmllint', ['--noout', '--schema', join(ROOT, 'tests', 'schemas', 'junit.xsd'), file]);
    expect(stderr).toContain('validates');
    const xml = await readFile(file, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toMatch(
      /<testcase classname="django\.4\.2\.28\.pypi" name="pypi\.wheel\.declared-digest[^"]*" time="0">\s*<failure/,
    );
    // The site's and PyPI's copies of the wheel differ: one test for each, told apart by whose copy it is.
    expect(xml).toMatch(/name="content\.wheel-vs-sdist \(django-4\.2\.28-py3-none-any\.whl, site copy\)"/);
    expect(xml).toMatch(/name="content\.wheel-vs-sdist \(django-4\.2\.28-py3-none-any\.whl, pypi copy\)"/);
    const report = JSON.parse(await readFile(jsonReport, 'utf8'));
    const checks = report.releases.reduce((n: number, r: { checks: unknown[] }) => n + r.checks.length, 0);
    expect(xml.match(/<testcase /g)).toHaveLength(checks);
    // The schema itself refuses a repeated name (the check above would pass a schema that did not).
    const repeated = xml.replace(
      /name="content\.wheel-vs-sdist \(django-4\.2\.28-py3-none-any\.whl, pypi copy\)"/,
      'name="content.wheel-vs-sdist (django-4.2.28-py3-none-any.whl, site copy)"',
    );
    const bad = join(dirname(file), 'repeated.xml');
    await writeFile(bad, repeated);
    const refused = await run('xmllint', [
      '--noout',
      '--schema',
      join(ROOT, 'tests', 'schemas', 'junit.xsd'),
      bad,
    ]).catch((error: { stderr: string }) => error);
    expect(refused.stderr).toMatch(/Duplicate key-sequence/);
  });

  it("is read by a real JUnit consumer (junitparser) with the JSON report's counts", async () => {
    const script = [
      'import json, sys',
      'from junitparser import JUnitXml',
      'xml = JUnitXml.fromfile(sys.argv[1])',
      'suites = []',
      'for suite in xml:',
      '    names = [case.name for case in suite]',
      '    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors, "skipped": suite.skipped, "cases": len(names), "unique": len(set(names))})',
      'print(json.dumps({"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped, "suites": suites}))',
    ].join('\n');
    const { stdout } = await run('/usr/bin/python3', ['-c', script, file]);
    const read = JSON.parse(stdout) as {
      tests: number;
      failures: number;
      errors: number;
      skipped: number;
      suites: {
        name: string;
        tests: number;
        failures: number;
        errors: number;
        skipped: number;
        cases: number;
        unique: number;
      }[];
    };
    const report = JSON.parse(await readFile(jsonReport, 'utf8')) as {
      releases: { version: string; checks: { status: string }[] }[];
    };
    const count = (checks: { status: string }[], status: string) => checks.filter((c) => c.status === status).length;
    const all = report.releases.flatMap((r) => r.checks);
    expect({ tests: read.tests, failures: read.failures, errors: read.errors, skipped: read.skipped }).toEqual({
      tests: all.length,
      failures: count(all, 'fail'),
      errors: count(all, 'unverified'),
      skipped: count(all, 'skipped'),
    });
    expect(read.suites.map((s) => s.name)).toEqual(report.releases.map((r) => `Django ${r.version}`));
    for (const [i, suite] of read.suites.entries()) {
      const checks = report.releases[i]!.checks;
      expect(suite).toMatchObject({
        tests: checks.length,
        failures: count(checks, 'fail'),
        errors: count(checks, 'unverified'),
        skipped: count(checks, 'skipped'),
        cases: checks.length,
        unique: checks.length,
      });
    }
  });
});

describe('the JSON report', () => {
  it('follows schema crosscheck/report@1', async () => {
    const report = JSON.parse(await readFile(jsonReport, 'utf8'));
    expect(report.schema).toBe('crosscheck/report@1');
    expect(report.verdict).toBe('fail');
    expect(report.summary).toEqual({ releases: 2, pass: 1, fail: 1, incomplete: 0 });
    for (const release of report.releases) {
      expect(['pass', 'fail', 'incomplete']).toContain(release.verdict);
      for (const check of release.checks) {
        expect(
          Object.keys(check).every((k) =>
            [
              'id',
              'status',
              'channel',
              'artifact',
              'message',
              'expected',
              'actual',
              'reason',
              'url',
              'file',
              'remedy',
              'copies',
            ].includes(k),
          ),
        ).toBe(true);
        expect(['pass', 'fail', 'unverified', 'skipped', 'warn']).toContain(check.status);
        if (check.status === 'fail' || check.status === 'unverified') expect(check.reason).toMatch(/^[A-Z][A-Z0-9_]+$/);
      }
    }
    const injected = report.releases[0].differences.find(
      (d: { path: string; check: string }) => d.path === 'django/_injected.py' && d.check === 'content.wheel-vs-sdist',
    );
    expect(injected).toMatchObject({ check: 'content.wheel-vs-sdist', kind: 'only-in-wheel', allowed: false });
  });
});
