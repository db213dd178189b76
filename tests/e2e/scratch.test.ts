import { afterAll, beforeAll, expect, test } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, runInWorld, type TestWorld } from '../helpers/world.js';
let t: TestWorld;
beforeAll(async () => { t = await createTestWorld([releaseSpec('3.2.25'), releaseSpec('4.2.28'), releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })]); }, 60000);
afterAll(async () => { await t?.dispose(); });
test('genuine', async () => {
  const r = await runInWorld(t, ['verify', 'django', '5.2.16', '--format', 'json']);
  const j = JSON.parse(r.stdout); for (const c of j.releases[0].checks.filter((c: any) => c.channel === 'content')) console.log(c.status, c.id, c.message); console.log(j.releases[0].differences.filter((d: any) => d.check !== 'content.sdist-vs-git'));
}, 60000);
