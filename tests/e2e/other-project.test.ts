import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { ROOT } from '../helpers/paths.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

/**
 * A project described by its own profile that publishes no signed checksum files: the evidence
 * is then the signed tag, PyPI's self-consistency and the content comparison against the tag.
 */
describe('a profile without signed checksum files', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld([releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })]);
  });
  afterAll(async () => {
    await t?.dispose();
  });
  const profile = join(ROOT, 'tests', 'fixtures-data', 'no-checksum-files.profile.json');

  it('passes on the signed tag and the contents, and says PyPI alone vouched for the digests', async () => {
    const result = await runCli([
      'verify',
      'django-unsigned',
      '5.2.16',
      '--profile',
      profile,
      '--channels',
      'pypi,git',
      '--format',
      'json',
      ...worldArgs(t),
    ]);
    const report = JSON.parse(result.stdout) as {
      releases: { verdict: string; checks: { id: string; status: string; reason?: string; message: string }[] }[];
    };
    const checks = report.releases[0]!.checks;
    expect(checks.some((c) => c.id.startsWith('site.'))).toBe(false);
    expect(checks.find((c) => c.id === 'pypi.sdist.digest')).toMatchObject({
      status: 'warn',
      reason: 'PYPI_SELF_CONSISTENT',
    });
    expect(checks.find((c) => c.id === 'pypi.sdist.digest')!.message).toContain('no signed checksum covers it');
    expect(checks.find((c) => c.id === 'git.tag.signature')?.status).toBe('pass');
    expect(checks.find((c) => c.id === 'content.sdist-vs-git')?.status).toBe('pass');
    expect(checks.find((c) => c.id === 'content.wheel-vs-sdist')?.status).toBe('pass');
    expect(report.releases[0]!.verdict).toBe('pass');
    expect(result.code).toBe(0);
  });

  it('fails a poisoned release through the content comparison alone', async () => {
    const poisoned = await createTestWorld([releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })], {
      mutate: async (root, manifest, gpg) => {
        const { SCENARIOS } = await import('../../fixtures/world/scenarios.js');
        await SCENARIOS['pypi-wheel-injected-file']!.mutate!({ root, manifest, gpg }, '5.2.16');
      },
    });
    try {
      const result = await runCli([
        'verify',
        'django-unsigned',
        '5.2.16',
        '--profile',
        profile,
        '--channels',
        'pypi,git',
        '--format',
        'json',
        ...worldArgs(poisoned),
      ]);
      const checks = (JSON.parse(result.stdout) as { releases: { checks: { id: string; status: string }[] }[] })
        .releases[0]!.checks;
      expect(checks.find((c) => c.id === 'content.wheel-vs-sdist')?.status).toBe('fail');
      expect(result.code).toBe(1);
    } finally {
      await poisoned.dispose();
    }
  });
});
