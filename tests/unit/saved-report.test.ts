import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../src/formats/strict-json.js';
import { writeJson } from '../../src/report/json.js';
import { type ReleaseReport, type RunReport, sourceOf } from '../../src/report/model.js';
import { ReportShapeError } from '../../src/report/report-shape.js';
import { SavedReport } from '../../src/report/saved-report.js';
import { StringSink } from '../../src/report/sink.js';
import { reportHead } from '../helpers/report.js';

function release(version: string, verdict: ReleaseReport['verdict']): ReleaseReport {
  return {
    version,
    verdict,
    // Brackets, braces, quotes, escapes and multi-byte text inside strings must not move a boundary.
    checks: [
      {
        id: 'site.checksums.signature',
        status: verdict === 'pass' ? 'pass' : 'fail',
        channel: 'site',
        message: `] } , " \\" [ { \u00e9\u2297 ${version}`,
      },
    ],
    differences: [
      {
        check: 'content.sdist-vs-git',
        path: 'x]y}.py',
        kind: 'content',
        digests: { sdist: 'ab' },
        allowed: true,
        rule: '\\',
      },
    ],
    checksumSigners: [],
    tagSigners: [],
    artifacts: [],
  };
}

/** A valid head's members, for documents that test what follows it. */
const HEAD = JSON.stringify(reportHead()).slice(1, -1);

/** A report of these releases, with the verdict and summary they give. */
function reportOf(releases: ReleaseReport[]): RunReport {
  const count = (verdict: ReleaseReport['verdict']) => releases.filter((r) => r.verdict === verdict).length;
  const verdict = count('fail') > 0 ? 'fail' : releases.length === 0 || count('incomplete') > 0 ? 'incomplete' : 'pass';
  return {
    ...reportHead({
      verdict,
      summary: { releases: releases.length, pass: count('pass'), fail: count('fail'), incomplete: count('incomplete') },
    }),
    releases,
  };
}

const report = reportOf([release('1.0', 'pass'), release('2.0', 'fail'), release('3.0', 'pass')]);

let dir: string | undefined;

async function saved(text: string | Buffer): Promise<{ head: unknown; releases: ReleaseReport[]; summaries: unknown }> {
  dir ??= await mkdtemp(join(tmpdir(), 'crosscheck-saved-'));
  const file = join(dir, 'report.json');
  await writeFile(file, text);
  const opened = await SavedReport.open(file);
  try {
    const releases: ReleaseReport[] = [];
    for await (const r of opened.source.releases()) releases.push(r);
    return { head: opened.source.head, releases, summaries: opened.source.summaries };
  } finally {
    await opened.close();
  }
}

describe('a saved JSON report, read a release at a time', () => {
  it('gives back what was written, however it is laid out', async () => {
    const sink = new StringSink();
    await writeJson(sourceOf(report), sink);
    const { releases, ...head } = report;
    const expected = { head, releases, summaries: sourceOf(report).summaries };
    for (const text of [
      sink.toString(),
      JSON.stringify(report),
      JSON.stringify(report, null, '\t').replace(/\n/g, ' \r\n '),
    ]) {
      const read = await saved(text);
      expect(JSON.parse(JSON.stringify(read))).toEqual(expected);
    }
    expect(await saved(JSON.stringify(reportOf([])))).toMatchObject({ releases: [], summaries: [] });
  });

  it.each([
    ['a duplicate top-level key', '{"schema":1,"schema":2,"releases":[]}', 'duplicate key "schema"'],
    ['a prototype key', '{"__proto__":{},"releases":[]}', 'forbidden key "__proto__"'],
    ['a duplicate key inside a release', `{${HEAD},"releases":[{"version":"1","version":"2"}]}`, 'release 1 (bytes'],
    ['two releases without a comma', '{"releases":[{"a":1} {"b":2}]}', 'expected "," or "]"'],
    ['two keys without a comma', '{"a":1 "releases":[]}', 'expected "," or "}"'],
    ['a trailing comma', '{"releases":[{"a":1},]}', 'expected a value'],
    ['a key without a value', '{"schema":,"releases":[]}', 'expected a value'],
    ['data after the report', '{"releases":[]} {}', 'trailing data'],
    ['a report cut short', '{"releases":[{"a":"]"}', 'the report ends early'],
    ['releases that are not an array', '{"releases":{}}', '"releases" must be an array'],
    ['no releases', '{"schema":"x"}', 'no "releases"'],
    ['a release with mismatched brackets', `{${HEAD},"releases":[{"a":[}]]}`, 'release 1 (bytes'],
    [
      'a release without its checks',
      `{${HEAD},"releases":[{"version":"1","verdict":"pass"}]}`,
      'release 1: "checks" must be an array',
    ],
    [
      'a check id that would break out of a Markdown code span',
      `{${HEAD},"releases":[${JSON.stringify({ ...release('1', 'fail'), checks: [{ id: 'x` <b>', status: 'fail', channel: 'site', message: 'm' }] })}]}`,
      'release 1, check 1: "id" is not what crosscheck writes',
    ],
    ['a head without its keyring', `{"schema":"crosscheck/report@1","releases":[]}`, '"project" must be a string'],
    ['not an object', '[]', 'a report is a JSON object'],
  ])('refuses %s', async (_name, text, message) => {
    await expect(saved(text)).rejects.toThrow(message);
  });

  it.each([
    [
      'a run verdict of "pass" over a failed release',
      { ...report, verdict: 'pass' },
      'the report says "pass", but its releases make it "fail"',
    ],
    [
      'a release verdict of "pass" over a failed check',
      {
        ...report,
        releases: [release('1.0', 'pass'), { ...release('2.0', 'fail'), verdict: 'pass' }, release('3.0', 'pass')],
      },
      'release 2.0 says "pass", but its checks make it "fail"',
    ],
    [
      'a summary that does not count the releases',
      { ...report, summary: { ...report.summary, fail: 0, pass: 3 } },
      'the report\'s summary gives 3 for "pass", but it holds 2',
    ],
  ])('refuses %s: an edited or damaged report is not restated', async (_name, edited, message) => {
    await expect(saved(JSON.stringify(edited))).rejects.toThrow(message);
  });

  it('agrees with the strict parser reading the whole file, on 1,000 mutants of a report', async () => {
    const original = Buffer.from(JSON.stringify(reportOf(report.releases.slice(0, 2)), null, 1));
    let seed = 20261129;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const structural = Buffer.from('{}[]",:\\ 0a');
    let accepted = 0;
    for (let i = 0; i < 1000; i++) {
      // One byte deleted, or replaced by one that means something to JSON.
      let mutant = Buffer.from(original);
      const at = random(mutant.length);
      if (random(3) === 0) mutant = Buffer.concat([mutant.subarray(0, at), mutant.subarray(at + 1)]);
      else mutant[at] = structural[random(structural.length)]!;
      const text = mutant.toString('latin1');
      let whole: unknown;
      try {
        whole = parseStrictJson(mutant.toString('utf8'));
      } catch {
        whole = undefined;
      }
      const expected =
        whole &&
        typeof whole === 'object' &&
        !Array.isArray(whole) &&
        Array.isArray((whole as { releases?: unknown }).releases)
          ? whole
          : undefined;
      const read = await saved(mutant).catch((error: Error) => error);
      if (!expected) {
        expect(read, text).toBeInstanceOf(Error);
        continue;
      }
      // Valid JSON that is not shaped as a report is refused for its shape, never for its syntax.
      if (read instanceof ReportShapeError) continue;
      accepted++;
      const { releases, ...head } = expected as { releases: unknown[] };
      expect(JSON.parse(JSON.stringify(read)), text).toMatchObject(JSON.parse(JSON.stringify({ head, releases })));
    }
    // Some mutants must stay valid reports (a changed digit, a space), or the comparison tested nothing.
    expect(accepted).toBeGreaterThan(100);
  });
});
