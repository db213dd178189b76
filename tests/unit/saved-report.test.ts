import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src/report/json.js';
import { type ReleaseReport, type RunReport, sourceOf } from '../../src/report/model.js';
import { SavedReport } from '../../src/report/saved-report.js';
import { StringSink } from '../../src/report/sink.js';
import { reportHead } from '../helpers/report.js';

function release(version: string, verdict: ReleaseReport['verdict']): ReleaseReport {
  return {
    version,
    verdict,
    // Brackets, braces, quotes, escapes and multi-byte text inside strings must not move a boundary.
    checks: [{ id: 'site.checksums.signature', status: verdict === 'pass' ? 'pass' : 'fail', channel: 'site', message: `] } , " \\" [ { \u00e9\u2297 ${version}` }],
    differences: [{ check: 'content.sdist-vs-git', path: 'x]y}.py', kind: 'content', digests: { sdist: 'ab' }, allowed: true, rule: '\\' }],
    checksumSigners: [],
    tagSigners: [],
    artifacts: [],
  };
}

const report: RunReport = { ...reportHead({ summary: { releases: 3, pass: 2, fail: 1, incomplete: 0 } }), releases: [release('1.0', 'pass'), release('2.0', 'fail'), release('3.0', 'pass')] };

async function saved(text: string): Promise<{ head: unknown; releases: ReleaseReport[]; summaries: unknown }> {
  const file = join(await mkdtemp(join(tmpdir(), 'crosscheck-saved-')), 'report.json');
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
    for (const text of [sink.toString(), JSON.stringify(report), JSON.stringify(report, null, '\t').replace(/\n/g, ' \r\n ')]) {
      const read = await saved(text);
      expect(JSON.parse(JSON.stringify(read))).toEqual(expected);
    }
    expect(await saved(JSON.stringify({ ...head, releases: [] }))).toMatchObject({ releases: [], summaries: [] });
  });

  it.each([
    ['a duplicate top-level key', '{"schema":1,"schema":2,"releases":[]}', 'duplicate key "schema"'],
    ['a prototype key', '{"__proto__":{},"releases":[]}', 'forbidden key "__proto__"'],
    ['a duplicate key inside a release', '{"releases":[{"version":"1","version":"2"}]}', 'duplicate key "version"'],
    ['two releases without a comma', '{"releases":[{"a":1} {"b":2}]}', 'expected "," or "]"'],
    ['two keys without a comma', '{"a":1 "releases":[]}', 'expected "," or "}"'],
    ['a trailing comma', '{"releases":[{"a":1},]}', 'expected a value'],
    ['a key without a value', '{"schema":,"releases":[]}', 'expected a value'],
    ['data after the report', '{"releases":[]} {}', 'trailing data'],
    ['a report cut short', '{"releases":[{"a":"]"}', 'the report ends early'],
    ['releases that are not an array', '{"releases":{}}', '"releases" must be an array'],
    ['no releases', '{"schema":"x"}', 'no "releases"'],
    ['a release with mismatched brackets', '{"releases":[{"a":[}]]}', 'release 1'],
    ['not an object', '[]', 'a report is a JSON object'],
  ])('refuses %s', async (_name, text, message) => {
    await expect(saved(text)).rejects.toThrow(message);
  });
});
