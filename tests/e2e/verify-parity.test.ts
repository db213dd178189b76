import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wheelMembers } from '../../fixtures/archive/zip-reader.js';
import { writeZip } from '../../fixtures/archive/zip-writer.js';
import { type GpgHome } from '../../fixtures/release/gpg.js';
import { gpgTime, releaseSpec, saveManifest, type WorldManifest } from '../../fixtures/world/build.js';
import { uploadToPypi } from '../../fixtures/world/pypi-json.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

// `verify` and `verify-file --deep` judge one wheel with one set of rules: fed the same bytes, the
// checks both make about the wheel's contents have the same ids and the same outcomes. Each wheel
// here is served by the site and PyPI alike and listed in a checksum file re-signed by a pinned key,
// as an attacker holding that key would ship it: only the content rules can catch it.

type Member = { name: string; content: Buffer; mode: number };
type WheelEdit = (members: Member[], distInfo: string) => Member[];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** RECORD as the attacker's own bdist_wheel writes it: every member with its real digest. */
function freshRecord(members: Member[], distInfo: string): Member[] {
  const recordPath = `${distInfo}/RECORD`;
  const rows = members
    .filter((m) => m.name !== recordPath && !m.name.endsWith('/'))
    .map((m) => `${m.name},sha256=${createHash('sha256').update(m.content).digest('base64url')},${m.content.length}`);
  const record = Buffer.from(`${[...rows, `${recordPath},,`].join('\n')}\n`);
  return [...members.filter((m) => m.name !== recordPath), { name: recordPath, content: record, mode: 0o644 }];
}

const EDITS: Record<string, WheelEdit> = {
  genuine: (members) => members,
  'wheel without RECORD': (members, distInfo) => members.filter((m) => m.name !== `${distInfo}/RECORD`),
  'wheel with two .dist-info': (members, distInfo) =>
    freshRecord(
      [
        ...members,
        {
          name: 'evil-1.0.dist-info/METADATA',
          content: Buffer.from('Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n\n'),
          mode: 0o644,
        },
      ],
      distInfo,
    ),
  'wheel with a changed member': (members, distInfo) =>
    freshRecord(
      members.map((m) =>
        m.name === 'django/utils/html.py'
          ? { ...m, content: Buffer.concat([m.content, Buffer.from('\nimport os; os.system("id")\n')]) }
          : m,
      ),
      distInfo,
    ),
};

const VERSIONS: Record<string, string> = {
  genuine: '5.2.16',
  'wheel without RECORD': '5.2.17',
  'wheel with two .dist-info': '5.2.18',
  'wheel with a changed member': '5.2.19',
};

/** Serves `edit`'s wheel on the site and PyPI, listed in a checksum file re-signed by the release's own pinned key. */
async function shipWheel(
  root: string,
  manifest: WorldManifest,
  gpg: GpgHome,
  version: string,
  edit: WheelEdit,
): Promise<void> {
  const release = manifest.releases.find((r) => r.spec.version === version)!;
  const wheel = release.wheel!;
  const genuine = await readFile(join(root, wheel.sitePath));
  const members = await wheelMembers(genuine);
  const distInfo = members.find((m) => m.name.endsWith('.dist-info/WHEEL'))!.name.replace(/\/WHEEL$/, '');
  const shipped = writeZip(edit(members, distInfo).map((m) => ({ name: m.name, content: m.content, mode: m.mode })));
  if (shipped.equals(genuine) || edit === EDITS.genuine) return;
  await writeFile(join(root, wheel.sitePath), shipped);
  await rm(join(root, 'pypi', manifest.pypiPaths[wheel.filename]!), { force: true });
  manifest.pypiPaths[wheel.filename] = await uploadToPypi(join(root, 'pypi'), wheel.filename, shipped);
  let text = release.checksumText;
  for (const algorithm of ['md5', 'sha1', 'sha256']) {
    text = text.replaceAll(
      createHash(algorithm).update(genuine).digest('hex'),
      createHash(algorithm).update(shipped).digest('hex'),
    );
  }
  expect(text).toContain(sha256(shipped));
  await writeFile(
    join(root, release.checksumPath),
    await gpg.clearsign(text, release.spec.signer, {
      fakedTime: gpgTime(new Date(release.spec.releasedAt.getTime() + 3600_000)),
    }),
  );
  await saveManifest(root, manifest);
}

interface Check {
  id: string;
  status: string;
  reason?: string;
}
const checksOf = (stdout: string): Check[] =>
  (JSON.parse(stdout) as { releases: { checks: Check[] }[] }).releases[0]!.checks;
/**
 * The checks about a wheel's contents, which both commands make. The wheel's comparison with its
 * source is the one difference of id: `verify` compares it with the sdist (itself compared with the
 * tag), `verify-file` with the tag, the one source it has.
 */
const wheelContent = (checks: Check[]) =>
  checks
    .filter((c) => /^content\.wheel/.test(c.id))
    .map(
      (c) =>
        `${c.id.replace(/^content\.wheel-vs-(sdist|git)$/, 'content.wheel-vs-source')} ${c.status}${c.reason ? ` ${c.reason}` : ''}`,
    )
    .sort();

describe('verify and verify-file --deep judge a wheel alike', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld(
      Object.values(VERSIONS).map((version) => releaseSpec(version)),
      {
        async mutate(root, manifest, gpg) {
          for (const [name, version] of Object.entries(VERSIONS))
            await shipWheel(root, manifest, gpg, version, EDITS[name]!);
        },
      },
    );
  });
  afterAll(async () => {
    await t?.dispose();
  });

  for (const [name, version] of Object.entries(VERSIONS)) {
    it(`${name}: the same wheel checks, the same outcomes`, async () => {
      const wheel = t.manifest.releases.find((r) => r.spec.version === version)!.wheel!;
      const verify = await runCli(['verify', 'django', version, '--format', 'json', ...worldArgs(t)]);
      const file = await runCli([
        'verify-file',
        join(t.root, wheel.sitePath),
        '--deep',
        '--format',
        'json',
        ...worldArgs(t),
      ]);
      const fromVerify = wheelContent(checksOf(verify.stdout));
      const fromFile = wheelContent(checksOf(file.stdout));
      expect(fromFile.length, file.stdout).toBeGreaterThan(0);
      expect(fromFile).toEqual(fromVerify);
      // The signed digests match in both: only the contents can say what the wheel is.
      expect(checksOf(file.stdout).find((c) => c.id === 'local.wheel.digest')?.status).toBe('pass');
      if (name === 'genuine') {
        expect(verify.code, verify.stdout).toBe(0);
        expect(file.code, file.stdout).toBe(0);
      } else {
        expect(
          fromFile.some((c) => c.includes(' fail')),
          fromFile.join('\n'),
        ).toBe(true);
        expect(verify.code).toBe(1);
        expect(file.code).toBe(1);
      }
    });
  }
});
