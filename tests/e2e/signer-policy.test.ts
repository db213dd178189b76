import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { ROOT } from '../helpers/paths.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

const ALICE = 'F4C723077C7291A2DEA26C9C5D45E5BD771F7602';
const BOB = 'BA0A8DCE09371CD0334449D8DAF8EF7F32D044DA';

interface Report {
  releases: {
    version: string;
    verdict: string;
    checks: { id: string; status: string; reason?: string; message: string; expected?: string }[];
  }[];
}

/**
 * Threat catalog G-06: a profile may bind release managers' keys to release lines. Alice signs
 * 5.1, Bob signs 5.2; a 5.2 checksum file signed by Alice — a pinned key, with a valid
 * signature — must fail, and the report must say who may sign 5.2.
 */
describe('release managers bound to release lines (G-06)', () => {
  let t: TestWorld;
  let dir: string;
  let profile: string;
  beforeAll(async () => {
    t = await createTestWorld([
      releaseSpec('5.1.4', { signer: 'alice', tagSigner: 'alice' }),
      releaseSpec('5.2.16', { signer: 'alice', tagSigner: 'bob' }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'crosscheck-profile-'));
    const django = JSON.parse(await readFile(join(ROOT, 'profiles', 'django.json'), 'utf8')) as Record<string, unknown>;
    profile = join(dir, 'django-bound.json');
    await writeFile(
      profile,
      JSON.stringify({
        ...django,
        keys: join(ROOT, 'fixtures', 'keys', 'pinned'),
        releaseManagers: [
          { fingerprint: ALICE, name: 'Alice Release', when: ['>=5.1,<5.2'] },
          { fingerprint: BOB, name: 'Bob Release', when: ['>=5.2,<5.3'] },
        ],
      }),
    );
  });
  afterAll(async () => {
    await t?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a release signed by the key bound to its line, and fails one signed by another pinned key', async () => {
    const result = await runCli([
      'verify',
      'django',
      '5.1.4',
      '5.2.16',
      '--profile',
      profile,
      '--format',
      'json',
      ...worldArgs(t),
    ]);
    const report = JSON.parse(result.stdout) as Report;
    const release = (v: string) => report.releases.find((r) => r.version === v)!;
    expect(release('5.1.4').verdict).toBe('pass');
    const signature = release('5.2.16').checks.find((c) => c.id === 'site.checksums.signature')!;
    expect(signature).toMatchObject({ status: 'fail', reason: 'PGP_SIGNER_NOT_AUTHORISED' });
    expect(signature.message).toContain(ALICE);
    expect(signature.expected).toContain(BOB);
    expect(release('5.2.16').checks.find((c) => c.id === 'git.tag.signature')?.status).toBe('pass');
    expect(release('5.2.16').verdict).toBe('fail');
    expect(result.code).toBe(1);
  });

  it('applies to tags too', async () => {
    const swapped = JSON.parse(await readFile(profile, 'utf8')) as { releaseManagers: { when: string[] }[] };
    swapped.releaseManagers[1]!.when = ['>=6.0'];
    const path = join(dir, 'django-swapped.json');
    await writeFile(path, JSON.stringify(swapped));
    const result = await runCli(['verify', 'django', '5.2.16', '--profile', path, '--format', 'json', ...worldArgs(t)]);
    const checks = (JSON.parse(result.stdout) as Report).releases[0]!.checks;
    expect(checks.find((c) => c.id === 'git.tag.signature')).toMatchObject({
      status: 'fail',
      reason: 'PGP_SIGNER_NOT_AUTHORISED',
    });
    expect(result.code).toBe(1);
  });

  it('refuses a binding by key id rather than full fingerprint', async () => {
    const path = join(dir, 'django-keyid.json');
    const byKeyId = JSON.parse(await readFile(profile, 'utf8')) as { releaseManagers: { fingerprint: string }[] };
    byKeyId.releaseManagers[0]!.fingerprint = ALICE.slice(-16);
    await writeFile(path, JSON.stringify(byKeyId));
    const result = await runCli(['verify', 'django', '5.1.4', '--profile', path, ...worldArgs(t)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('full fingerprint');
  });
});
