import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseSpec, saveManifest } from '../../fixtures/world/build.js';
import { uploadToPypi } from '../../fixtures/world/pypi-json.js';
import { SCENARIOS } from '../../fixtures/world/scenarios.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

interface Check {
  id: string;
  status: string;
  reason?: string;
  message: string;
}
interface Report {
  run?: { offline?: boolean };
  releases: { version: string; verdict: string; checks: Check[] }[];
}

/**
 * A CI job and an incident responder keep one cache directory across runs. Each run must check
 * what the channels serve now: a change a server makes between two runs is seen by the second.
 */
describe('two runs with one cache, around a change on a server', () => {
  let t: TestWorld | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  const verify = async (world: TestWorld, args: string[]) => {
    const result = await runCli(['verify', 'django', ...args, '--format', 'json', ...worldArgs(world)]);
    return { ...result, report: JSON.parse(result.stdout) as Report };
  };
  const notPassing = (report: Report, version: string) =>
    report.releases
      .find((r) => r.version === version)!
      .checks.filter((c) => c.status === 'fail' || c.status === 'unverified')
      .map((c) => `${c.id} ${c.status}`);

  it('fails the second run when the site has started serving a tampered sdist', async () => {
    const world = (t = await createTestWorld([releaseSpec('4.2.28')]));
    const first = await verify(world, ['4.2.28']);
    expect(notPassing(first.report, '4.2.28')).toEqual([]);
    expect(first.code).toBe(0);
    await SCENARIOS['site-sdist-poisoned']!.mutate!(
      { root: world.root, manifest: world.manifest, gpg: world.gpg },
      '4.2.28',
    );
    const second = await verify(world, ['4.2.28']);
    expect(notPassing(second.report, '4.2.28')).toContain('site.sdist.digest fail');
    expect(second.code).toBe(1);
  }, 120_000);

  it('fails the second run when PyPI has started listing an extra, unsigned wheel for the release', async () => {
    const world = (t = await createTestWorld([releaseSpec('4.2.28')]));
    expect((await verify(world, ['4.2.28'])).code).toBe(0);
    const release = world.manifest.pypi.find((p) => p.version === '4.2.28')!;
    const extra = 'django-4.2.28-cp312-cp312-manylinux_2_17_x86_64.whl';
    world.manifest.pypiPaths[extra] = await uploadToPypi(
      join(world.root, 'pypi'),
      extra,
      Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'latin1'),
    );
    release.files.push({
      filename: extra,
      packagetype: 'bdist_wheel',
      pythonVersion: 'cp312',
      uploadedAt: release.files[0]!.uploadedAt,
    });
    await saveManifest(world.root, world.manifest);
    const second = await verify(world, ['4.2.28']);
    const files = second.report.releases[0]!.checks.find((c) => c.id === 'pypi.release.files')!;
    expect(files.status).toBe('fail');
    expect(files.message).toContain(extra);
    expect(second.code).toBe(1);
  }, 120_000);

  it('downloads every artifact and document again on an unchanged re-run, and gives the same verdict', async () => {
    const world = (t = await createTestWorld([releaseSpec('4.2.28')]));
    const first = await verify(world, ['4.2.28']);
    const before = world.world.requests.length;
    const again = await verify(world, ['4.2.28']);
    const asked = world.world.requests.slice(before).map((r) => `${r.host} ${r.path}`);
    for (const file of ['django-4.2.28.tar.gz', 'django-4.2.28-py3-none-any.whl']) {
      expect(
        asked.filter((line) => line.startsWith('media ') && line.endsWith(`/${file}`)),
        `${file} from the site`,
      ).toHaveLength(1);
      expect(
        asked.filter((line) => line.startsWith('pypi ') && line.endsWith(`/${file}`)),
        `${file} from PyPI`,
      ).toHaveLength(1);
    }
    expect(asked.some((line) => line.endsWith('Django-4.2.28.checksum.txt'))).toBe(true);
    expect(asked.some((line) => /\/pypi\/django\/4\.2\.28\/json$/i.test(line))).toBe(true);
    // Validators are not evidence: no conditional request is ever made.
    expect(world.world.requests.filter((r) => r.headers['if-none-match'] || r.headers['if-modified-since'])).toEqual(
      [],
    );
    expect(again.report.releases.map((r) => r.verdict)).toEqual(first.report.releases.map((r) => r.verdict));
  }, 120_000);
});

describe('a release PyPI hides from its listing while serving a tampered sdist for it', () => {
  let t: TestWorld | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it("is still verified by --all (git lists its tag), failed, and reported as missing from PyPI's list", async () => {
    const world = (t = await createTestWorld([releaseSpec('3.2.25'), releaseSpec('4.2.28')], {
      mutate: async (root, manifest) => {
        const release = manifest.releases.find((r) => r.spec.version === '3.2.25')!;
        const path = join(root, 'pypi', manifest.pypiPaths[release.sdist.filename]!);
        const bytes = await readFile(path);
        bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
        await writeFile(path, bytes);
        // PyPI's own JSON for the release agrees with the tampered file, as a compromised PyPI's would...
        await saveManifest(root, manifest);
        // ...and its project listing no longer names the release.
        const hidden = { ...manifest, pypi: manifest.pypi.filter((p) => p.version !== '3.2.25') };
        await saveManifest(root, hidden);
      },
    }));
    const projectJson = JSON.parse(await readFile(join(world.root, 'pypi', 'pypi', 'django', 'json'), 'utf8')) as {
      releases: Record<string, unknown>;
    };
    expect(Object.keys(projectJson.releases)).not.toContain('3.2.25');
    const result = await runCli(['verify', 'django', '--all', '--format', 'json', ...worldArgs(world)]);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.releases.map((r) => r.version)).toEqual(['3.2.25', '4.2.28']);
    const hidden = report.releases.find((r) => r.version === '3.2.25')!;
    expect(hidden.verdict).toBe('fail');
    expect(hidden.checks.find((c) => c.id === 'pypi.release.listed')).toMatchObject({
      status: 'warn',
      reason: 'PYPI_NOT_LISTED',
    });
    expect(hidden.checks.find((c) => c.id === 'pypi.sdist.digest')?.status).toBe('fail');
    expect(result.code).toBe(1);
  }, 120_000);
});

describe('--offline', () => {
  let t: TestWorld | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('re-verifies what the cache holds without asking any server, and every report says so first', async () => {
    const world = (t = await createTestWorld([releaseSpec('4.2.28')]));
    expect((await runCli(['verify', 'django', '4.2.28', ...worldArgs(world)])).code).toBe(0);
    const before = world.world.requests.length;
    const json = await runCli(['verify', 'django', '4.2.28', '--offline', '--format', 'json', ...worldArgs(world)]);
    expect(world.world.requests.length).toBe(before);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.run?.offline).toBe(true);
    expect(report.releases[0]!.verdict).toBe('pass');
    expect(json.code).toBe(0);
    for (const format of ['text', 'markdown', 'junit']) {
      const rendered = await runCli([
        'verify',
        'django',
        '4.2.28',
        '--offline',
        '--format',
        format,
        ...worldArgs(world),
      ]);
      const firstLine = rendered.stdout.split('\n').find((line) => line.trim() !== '' && !line.startsWith('<?xml'))!;
      expect(firstLine, format).toMatch(/OFFLINE RUN/);
    }
    expect(world.world.requests.length).toBe(before);
  }, 120_000);

  it('does not use a cached copy altered on disk (CACHE_ALTERED, unverified), and a release never fetched is not stored', async () => {
    const world = (t = await createTestWorld([
      releaseSpec('4.2.28'),
      releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' }),
    ]));
    expect((await runCli(['verify', 'django', '4.2.28', ...worldArgs(world)])).code).toBe(0);
    const sdist = world.manifest.releases.find((r) => r.spec.version === '4.2.28')!.sdist.sha256;
    const blob = join(world.cache, 'blobs', sdist);
    const bytes = await readFile(blob);
    bytes[100]! ^= 0xff;
    await writeFile(blob, bytes);
    const result = await runCli([
      'verify',
      'django',
      '4.2.28',
      '5.2.16',
      '--offline',
      '--format',
      'json',
      ...worldArgs(world),
    ]);
    const report = JSON.parse(result.stdout) as Report;
    const altered = report.releases
      .find((r) => r.version === '4.2.28')!
      .checks.filter((c) => c.reason === 'CACHE_ALTERED');
    expect(altered.length).toBeGreaterThan(0);
    expect(altered.every((c) => c.status === 'unverified')).toBe(true);
    expect(
      report.releases.find((r) => r.version === '5.2.16')!.checks.some((c) => c.reason === 'OFFLINE_NOT_STORED'),
    ).toBe(true);
    expect(report.releases.flatMap((r) => r.checks).filter((c) => c.status === 'fail')).toEqual([]);
    expect(result.code).toBe(3);
  }, 120_000);
});
