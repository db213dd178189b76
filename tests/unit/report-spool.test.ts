import { mkdtemp, open, readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src/report/json.js';
import { type ReleaseReport, type RunReport, sourceOf } from '../../src/report/model.js';
import { StringSink } from '../../src/report/sink.js';
import { ReleaseSpool } from '../../src/report/spool.js';
import { reportHead } from '../helpers/report.js';

const head = reportHead({
  keyring: { dir: '/keys', keys: [{ fingerprint: 'F'.repeat(40), name: 'Alice "Q" <a@b>' }] },
  sources: { pypi: 'https://pypi.org' },
  summary: { releases: 3, pass: 1, fail: 1, incomplete: 1 },
});

function release(version: string, verdict: ReleaseReport['verdict'], channel: 'site' | 'git' = 'site'): ReleaseReport {
  const status = verdict === 'pass' ? 'pass' : verdict === 'fail' ? 'fail' : 'unverified';
  return {
    version,
    verdict,
    checks: [
      {
        id: `${channel}.checksums.signature`,
        status,
        channel,
        message: `line one\nline "two" \u202e ${version}`,
        ...(status === 'pass' ? {} : { reason: 'X' }),
      },
      { id: 'content.sdist-vs-git', status: 'skipped', channel: 'content', message: 'skipped' },
    ],
    differences: [
      {
        check: 'content.sdist-vs-git',
        path: 'a/b.py',
        kind: 'content',
        digests: { sdist: 'ab', git: 'cd' },
        allowed: verdict !== 'fail',
      },
    ],
    checksumSigners: [],
    tagSigners: [],
    tag: { name: version },
    artifacts: [{ kind: 'sdist', filename: `Django-${version}.tar.gz`, site: { url: 'https://x/y', size: 3 } }],
  };
}

async function json(report: RunReport): Promise<string> {
  const sink = new StringSink();
  await writeJson(sourceOf(report), sink);
  return sink.toString();
}

describe('the JSON report written a release at a time', () => {
  it('is byte for byte JSON.stringify(report, null, 2)', async () => {
    for (const releases of [
      [],
      [release('1.0', 'pass')],
      [release('1.0', 'pass'), release('2.0', 'fail'), release('3.0', 'incomplete')],
    ]) {
      const report: RunReport = { ...head, releases };
      expect(await json(report)).toBe(`${JSON.stringify(report, null, 2)}\n`);
    }
  });
});

describe('the release spool', () => {
  it('gives back each release as added, in the order asked, and keeps only a summary in memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-spool-'));
    const spool = await ReleaseSpool.create(dir);
    try {
      const originals = [release('1.0', 'pass'), release('2.0', 'fail', 'git'), release('3.0', 'incomplete')];
      // Finished out of order, as concurrent releases finish.
      const [third, first, second] = await Promise.all([
        spool.add(originals[2]!),
        spool.add(originals[0]!),
        spool.add(originals[1]!),
      ]);
      expect(second).toEqual({
        version: '2.0',
        verdict: 'fail',
        channels: { site: '-', pypi: '-', git: 'fail', content: 'skipped', local: '-' },
        checks: { total: 2, fail: 1, unverified: 0, skipped: 1 },
        remedies: [],
      });
      const source = spool.source(head, [first!, second!, third!]);
      const all: ReleaseReport[] = [];
      for await (const r of source.releases()) all.push(r);
      expect(all).toEqual(originals);
      const troubled: string[] = [];
      for await (const r of source.releases((s) => s.verdict !== 'pass')) troubled.push(r.version);
      expect(troubled).toEqual(['2.0', '3.0']);
    } finally {
      await spool.close();
    }
  });

  it('leaves no file behind, even while the run is still going', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-spool-'));
    const spool = await ReleaseSpool.create(dir);
    await spool.add(release('1.0', 'pass'));
    expect(await readdir(dir)).toEqual([]);
    await spool.close();
  });

  it('refuses a release that changed on disk, instead of reporting it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-spool-'));
    const spool = await ReleaseSpool.create(dir);
    try {
      const summary = await spool.add(release('1.0', 'fail'));
      // The spool is unlinked, but a process of the same user can still reach it through /proc.
      let spoolFd: string | undefined;
      for (const fd of await readdir('/proc/self/fd')) {
        const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
        if (target.startsWith(join(dir, 'report-'))) spoolFd = `/proc/self/fd/${fd}`;
      }
      expect(spoolFd).toBeDefined();
      const other = await open(spoolFd!, 'r+');
      const original = JSON.stringify(release('1.0', 'fail'));
      const forged = original.replace('"verdict":"fail"', '"verdict":"pass"');
      expect(forged.length).toBe(original.length);
      await other.write(forged, 0);
      await other.close();
      const reading = (async () => {
        for await (const r of spool.source(head, [summary]).releases()) void r;
      })();
      await expect(reading).rejects.toMatchObject({ reason: 'REPORT_SPOOL_CHANGED' });
    } finally {
      await spool.close();
    }
  });
});
