import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worldProfilePath } from '../../fixtures/world/build.js';
import { defaultWorldSpecs } from '../../fixtures/world/default-world.js';
import { ROOT, realSdist } from '../helpers/paths.js';
import { createTestWorld, runCli, TEST_KEYS, type TestWorld } from '../helpers/world.js';

/** Every README example marked `world-example` or `real-example`, with the exit code its comment promises. */
function examples(kind: 'world-example' | 'real-example'): { line: string; args: string[]; exit: number }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(new RegExp(`\`\`\`sh ${kind}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .split('\n')
      .filter((line) => line.startsWith('crosscheck '))
      .map((line) => {
        const exit = /# → exit (\d)\s*$/.exec(line);
        if (!exit) throw new Error(`README example without "# → exit N": ${line}`);
        return { line, args: line.replace(/#.*$/, '').trim().split(/\s+/).slice(1), exit: Number(exit[1]) };
      }),
  );
}

describe('README examples against the default test world', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld(defaultWorldSpecs());
  });
  afterAll(async () => {
    await t?.dispose();
  });
  const list = examples('world-example');
  it('finds the examples', () => expect(list.length).toBeGreaterThanOrEqual(5));

  it.each(list.map((e) => [e.line, e]))('%s', async (_, example) => {
    const env = {
      CROSSCHECK_SITE_URL: t.world.siteUrl,
      CROSSCHECK_MEDIA_URL: t.world.mediaUrl,
      CROSSCHECK_PYPI_URL: t.world.pypiUrl,
      CROSSCHECK_GIT_URL: t.world.gitUrl,
      CROSSCHECK_KEYS: TEST_KEYS,
      CROSSCHECK_PROFILE: worldProfilePath(t.root),
      CROSSCHECK_CACHE: t.cache,
    };
    const result = await runCli([...example.args, '--quiet'], env);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(example.exit);
  });
});

describe.skipIf(!realSdist('4.2.28') || !realSdist('3.2.25'))('README examples with the real Django sdists', () => {
  it.each(examples('real-example').map((e) => [e.line, e]))('%s', async (_, example) => {
    const result = await runCli(
      example.args.map((arg) => (arg.startsWith('.cache/') || arg.startsWith('fixtures/') ? join(ROOT, arg) : arg)),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(example.exit);
  });
});
