import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_VERSIONS, incidentWorldSpecs } from '../../fixtures/world/default-world.js';
import { SCENARIOS } from '../../fixtures/world/scenarios.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

interface Report {
  verdict: string;
  summary: { releases: number; pass: number; fail: number; incomplete: number };
  releases: { version: string; verdict: string; checks: { id: string; status: string; message: string }[] }[];
}

const TAMPERED: Record<string, { scenario: string; failing: string[] }> = {
  '3.2.24': {
    scenario: 'site-sdist-poisoned',
    failing: ['site.sdist.digest', 'content.sdist-vs-git', 'content.site-vs-pypi'],
  },
  '5.1.8': {
    scenario: 'pypi-wheel-injected-file',
    failing: ['pypi.wheel.declared-digest', 'pypi.wheel.digest', 'content.wheel-vs-sdist', 'content.site-vs-pypi'],
  },
};

let t: TestWorld;
beforeAll(async () => {
  t = await createTestWorld(incidentWorldSpecs(), {
    mutate: async (root, manifest, gpg) => {
      for (const [version, { scenario }] of Object.entries(TAMPERED))
        await SCENARIOS[scenario]!.mutate!({ root, manifest, gpg }, version);
    },
  });
});
afterAll(async () => {
  await t?.dispose();
});

const verify = async (args: string[]) => {
  const result = await runCli(['verify', 'django', ...args, '--format', 'json', ...worldArgs(t)]);
  return { ...result, report: JSON.parse(result.stdout) as Report };
};
const failing = (report: Report, version: string) =>
  report.releases
    .find((r) => r.version === version)!
    .checks.filter((c) => c.status === 'fail')
    .map((c) => c.id);

describe('--all over a world of every era with two tampered releases', () => {
  let cold: Awaited<ReturnType<typeof verify>>;
  beforeAll(async () => {
    cold = await verify(['--all']);
  });

  it('reports every release except the pre-release, in PEP 440 order', () => {
    expect(cold.report.releases.map((r) => r.version)).toEqual(INCIDENT_VERSIONS.filter((v) => v !== '6.1a1'));
  });

  it('fails exactly the tampered releases, with the right check ids, and exits 1', () => {
    const failed = cold.report.releases.filter((r) => r.verdict === 'fail').map((r) => r.version);
    expect(failed.sort()).toEqual(Object.keys(TAMPERED).sort());
    for (const [version, { failing: ids }] of Object.entries(TAMPERED))
      expect(failing(cold.report, version).sort()).toEqual([...ids].sort());
    expect(cold.report.summary).toEqual({ releases: 32, pass: 30, fail: 2, incomplete: 0 });
    expect(cold.code).toBe(1);
  });

  it('passes old and new layouts, releases without wheels, the known unsigned tag and an expired key', () => {
    const verdict = (v: string) => cold.report.releases.find((r) => r.version === v)!.verdict;
    for (const version of ['1.4.22', '1.11.28', '4.1.5', '4.2.20', '4.2.21', '5.2.15', '5.2.16', '6.0.4'])
      expect(verdict(version)).toBe('pass');
    const noWheel = cold.report.releases.find((r) => r.version === '1.4.22')!;
    expect(noWheel.checks.find((c) => c.id === 'site.wheel.digest')?.status).toBe('skipped');
  });

  it('downloads every artifact again on a warm re-run, and gives the same verdicts', async () => {
    const before = t.world.requests.length;
    const warm = await verify(['--all']);
    const artifacts = t.world.requests.slice(before).filter((r) => r.host !== 'git' && /\.(tar\.gz|whl)$/.test(r.path));
    // Each release's sdist (and wheel, where there is one) from the site and from PyPI.
    const expected = cold.report.releases.reduce(
      (n, r) =>
        n + 2 * r.checks.filter((c) => /^site\.(sdist|wheel)\.digest$/.test(c.id) && c.status !== 'skipped').length,
      0,
    );
    expect(artifacts.length).toBe(expected);
    expect(warm.report.releases.map((r) => [r.version, r.verdict])).toEqual(
      cold.report.releases.map((r) => [r.version, r.verdict]),
    );
    expect(warm.code).toBe(1);
  });

  it('is not misled by a cached file altered on disk: the next run downloads it again and passes', async () => {
    const blobs = join(t.cache, 'blobs');
    const sdistSha = JSON.parse(await readFile(join(t.root, 'world.json'), 'utf8')).releases.find(
      (r: { spec: { version: string } }) => r.spec.version === '6.0.4',
    ).sdist.sha256 as string;
    expect(await readdir(blobs)).toContain(sdistSha);
    const bytes = await readFile(join(blobs, sdistSha));
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(join(blobs, sdistSha), bytes);
    const before = t.world.requests.length;
    const again = await verify(['6.0.4']);
    const fetched = t.world.requests.slice(before).filter((r) => r.path.endsWith('django-6.0.4.tar.gz'));
    expect(fetched.length).toBe(2);
    // The checks that did not pass, rather than the verdict alone, so that a failure says which.
    expect(again.report.releases[0]!.checks.filter((c) => c.status !== 'pass' && c.status !== 'skipped')).toEqual([]);
    expect(again.report.releases[0]!.verdict).toBe('pass');
  });
});

describe('release selection', () => {
  const versions = async (args: string[]) =>
    (await verify([...args, '--no-content', '--channels', 'pypi'])).report.releases.map((r) => r.version);
  it('--series picks a series (repeatable)', async () => {
    expect(await versions(['--series', '4.2'])).toEqual(['4.2.6', '4.2.11', '4.2.20', '4.2.21', '4.2.27', '4.2.28']);
    expect(await versions(['--series', '1.4', '--series', '6.0'])).toEqual([
      '1.4.21',
      '1.4.22',
      '6.0',
      '6.0.1',
      '6.0.2',
      '6.0.3',
      '6.0.4',
    ]);
  });
  it('--since and --latest narrow, --pre adds pre-releases, explicit versions are added', async () => {
    expect(await versions(['--since', '5.2.15'])).toEqual([
      '5.2.15',
      '5.2.16',
      '6.0',
      '6.0.1',
      '6.0.2',
      '6.0.3',
      '6.0.4',
    ]);
    expect(await versions(['--all', '--latest', '3'])).toEqual(['6.0.2', '6.0.3', '6.0.4']);
    expect(await versions(['--all', '--latest', '2', '--pre'])).toEqual(['6.0.4', '6.1a1']);
    expect(await versions(['--series', '5.1', '--latest', '1', '2.2.10'])).toEqual(['2.2.10', '5.1.9']);
  });
});
