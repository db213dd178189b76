import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

/** Nothing listens on port 9 (discard) on loopback: a channel that cannot be reached. */
const DEAD = 'http://127.0.0.1:9';

/**
 * One rule in every mode: a channel that cannot be reached leaves what it would have shown
 * unverified, and the run ends 3 — never 2 (which is the user's mistake) and never 0.
 */
describe('a channel that cannot be reached ends the run with exit code 3, in every mode', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld([releaseSpec('4.2.28')]);
  }, 240_000);
  afterAll(async () => {
    await t?.dispose();
  });

  const unreachable: Record<string, string[]> = {
    'the site': ['--site-url', DEAD, '--media-url', DEAD],
    PyPI: ['--pypi-url', DEAD],
    'the git host': ['--git-url', `${DEAD}/django/django.git`],
    'PyPI and the git host, the two that list releases': ['--pypi-url', DEAD, '--git-url', `${DEAD}/django/django.git`],
  };
  for (const [what, override] of Object.entries(unreachable)) {
    for (const selection of [['4.2.28'], ['--all']]) {
      it(`${what} out of reach, verify ${selection.join(' ')}`, async () => {
        const result = await runCli(['verify', 'django', ...selection, ...worldArgs(t), ...override]);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(3);
        expect(result.stdout).toMatch(/INCOMPLETE/);
      });
    }
  }

  it('says, when no channel could list the releases for --all, that the list may be incomplete and why', async () => {
    const result = await runCli([
      'verify',
      'django',
      '--all',
      ...worldArgs(t),
      ...unreachable['PyPI and the git host, the two that list releases']!,
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /the list of releases may be incomplete: PyPI's list of releases could not be had: .*the connection was refused/,
    );
  });

  it('verify-file with the site out of reach', async () => {
    const file = `${t.root}/${t.manifest.releases[0]!.sdist.sitePath}`;
    const result = await runCli(['verify-file', file, ...worldArgs(t), '--site-url', DEAD, '--media-url', DEAD]);
    expect(result.code).toBe(3);
  });
});
