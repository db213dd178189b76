import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec, saveManifest } from '../../fixtures/world/build.js';
import { createTestWorld, runInWorld, type TestWorld } from '../helpers/world.js';

// A resolver such as Poetry takes a release's requirements from PyPI's JSON without opening a file:
// a dependency added there is installed though every file is genuine. The JSON must say what the
// release's checked metadata says.

interface Report {
  releases: {
    version: string;
    verdict: string;
    checks: { id: string; status: string; reason?: string; message: string }[];
  }[];
}

describe("PyPI's declared requirements", () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld([releaseSpec('5.2.16'), releaseSpec('5.2.17'), releaseSpec('5.2.18')], {
      async mutate(root, manifest) {
        const extra = manifest.pypi.find((r) => r.version === '5.2.17')!;
        extra.requiresDist = [...(extra.requiresDist ?? []), 'django-helpers>=0.1'];
        const python = manifest.pypi.find((r) => r.version === '5.2.18')!;
        python.requiresPython = '>=2.7';
        await saveManifest(root, manifest);
      },
    });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const requirementsCheck = async (version: string) => {
    const result = await runInWorld(t, ['verify', 'django', version, '--format', 'json']);
    const release = (JSON.parse(result.stdout) as Report).releases[0]!;
    return { code: result.code, check: release.checks.find((c) => c.id === 'pypi.release.requirements') };
  };

  it("pass when they are those of the wheel's METADATA", async () => {
    const { code, check } = await requirementsCheck('5.2.16');
    expect(check).toMatchObject({ status: 'pass' });
    expect(check!.message).toContain('asgiref');
    expect(code).toBe(0);
  });

  it('fail when PyPI adds a dependency the release does not declare', async () => {
    const { code, check } = await requirementsCheck('5.2.17');
    expect(check).toMatchObject({ status: 'fail', reason: 'PYPI_METADATA_MISMATCH' });
    expect(check!.message).toContain('django-helpers>=0.1');
    expect(code).toBe(1);
  });

  it('fail when PyPI widens the Pythons the release supports', async () => {
    const { code, check } = await requirementsCheck('5.2.18');
    expect(check).toMatchObject({ status: 'fail', reason: 'PYPI_METADATA_MISMATCH' });
    expect(check!.message).toContain('>=2.7');
    expect(code).toBe(1);
  });
});
