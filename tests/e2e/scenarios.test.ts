import { afterAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { applyScenario, SCENARIOS } from '../../fixtures/world/scenarios.js';
import type { Fault } from '../../fixtures/world/servers.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

/** Short limits so stalls end in seconds; tests never assert timings. */
const FAST_LIMITS = [
  '--limit',
  'requestDeadlineMs=4000',
  '--limit',
  'idleTimeoutMs=1500',
  '--limit',
  'slowGraceMs=2000',
];
const worlds: TestWorld[] = [];
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.dispose()));
});

interface Report {
  releases: { version: string; verdict: string; checks: { id: string; status: string; reason?: string }[] }[];
}

// Each scenario runs against the newest era (Git tag section, /download/ redirects) and an
// older one (/m/releases/ layout, capitalised file names).
const VERSIONS = ['5.2.16', '3.2.25'];

describe.concurrent.each(Object.values(SCENARIOS))('scenario $name', (scenario) => {
  it.each(VERSIONS)(
    `ends with exit ${scenario.expect.exit} for %s: ${scenario.description}`,
    async (version) => {
      let faults: Fault[] = [];
      const t = await createTestWorld(
        [releaseSpec('3.2.25'), releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })],
        {
          mutate: async (root, manifest, gpg) => {
            faults = await applyScenario({ root, manifest, gpg }, scenario, version);
          },
        },
      );
      worlds.push(t);
      t.world.faults.push(...faults);
      const result = await runCli(['verify', 'django', version, '--format', 'json', ...worldArgs(t, FAST_LIMITS)]);
      expect(result.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
      const report = JSON.parse(result.stdout) as Report;
      const checks = report.releases[0]!.checks;
      const failing = checks.filter((c) => c.status === 'fail').map((c) => c.id);
      const unverifiedIds = checks.filter((c) => c.status === 'unverified').map((c) => c.id);
      expect(
        result.code,
        JSON.stringify(
          checks.filter((c) => c.status !== 'pass' && c.status !== 'skipped'),
          null,
          1,
        ),
      ).toBe(scenario.expect.exit);
      for (const id of scenario.expect.failing ?? []) expect(failing).toContain(id);
      for (const id of scenario.expect.unverified ?? []) expect(unverifiedIds).toContain(id);
      if (scenario.expect.exit === 0)
        expect(checks.every((c) => c.status === 'pass' || c.status === 'skipped')).toBe(true);
      if (scenario.expect.exit === 3) expect(failing).toEqual([]);
    },
    60_000,
  );
});
