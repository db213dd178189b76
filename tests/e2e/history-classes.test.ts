import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../../fixtures/release/git-repo.js';
import { gitRepoPath, releaseSpec, type ReleaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

interface Check {
  id: string;
  status: string;
  reason?: string;
  message: string;
  remedy?: string;
}
interface Report {
  releases: { version: string; verdict: string; checks: Check[] }[];
}

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

/**
 * One release of each class Django's real history holds (fixtures/real/README.md), made with test
 * keys arranged the same way: what crosscheck says of each, end to end through `verify --all`.
 */
const CLASSES: Record<string, { spec: ReleaseSpec; verdict: string; tag: Partial<Check>; checksums: Partial<Check> }> =
  {
    // James Bennett's part: a 1.x release manager whose key the profile names but nobody holds.
    'key id named, key not held': {
      spec: releaseSpec('1.4.22', { signer: 'james', tagSigner: 'james', wheel: false, releasedAt: day('2015-08-18') }),
      verdict: 'incomplete',
      tag: { status: 'unverified', reason: 'PGP_KEY_NOT_HELD' },
      checksums: { status: 'unverified', reason: 'PGP_KEY_NOT_HELD' },
    },
    // Tim Graham's part: SHA-1 before the cutoff.
    'SHA-1 before 2020': {
      spec: releaseSpec('1.11.27', { releasedAt: day('2019-12-18'), signing: { digestAlgo: 'SHA1' } }),
      verdict: 'pass',
      tag: { status: 'warn', reason: 'PGP_SHA1_HISTORICAL' },
      checksums: { status: 'warn', reason: 'PGP_SHA1_HISTORICAL' },
    },
    'SHA-1 after 2020': {
      spec: releaseSpec('2.2.10', { releasedAt: day('2020-02-03'), signing: { digestAlgo: 'SHA1' } }),
      verdict: 'incomplete',
      tag: { status: 'unverified', reason: 'PGP_WEAK_HASH' },
      checksums: { status: 'unverified', reason: 'PGP_WEAK_HASH' },
    },
    // 2.0.6: signed before every self-signature on the pinned copy of the key.
    'signature older than the self-signatures': {
      spec: releaseSpec('2.0.6', {
        signer: 'frank',
        tagSigner: 'frank',
        releasedAt: day('2018-06-01'),
        signing: { digestAlgo: 'SHA256' },
      }),
      verdict: 'pass',
      tag: { status: 'pass' },
      checksums: { status: 'pass' },
    },
    // Carlton Gibson's part: signed after the pinned copy expired; the owner had extended the key.
    'pinned copy expired before the signature': {
      spec: releaseSpec('3.2.15', {
        signer: 'erin',
        tagSigner: 'erin',
        releasedAt: day('2022-07-01'),
        signing: { digestAlgo: 'SHA256' },
      }),
      verdict: 'incomplete',
      tag: { status: 'unverified', reason: 'PGP_KEY_COPY_STALE' },
      checksums: { status: 'unverified', reason: 'PGP_KEY_COPY_STALE' },
    },
    'genuine unsigned tag, pinned by object id': {
      spec: releaseSpec('2.2.19', { tagSigner: null, releasedAt: day('2021-02-19') }),
      verdict: 'pass',
      tag: { status: 'warn', reason: 'TAG_UNSIGNED' },
      checksums: { status: 'pass' },
    },
    'signed by a pinned key today': {
      spec: releaseSpec('4.2.6'),
      verdict: 'pass',
      tag: { status: 'pass' },
      checksums: { status: 'pass' },
    },
  };

describe('verify --all over one release of each class of the real history', () => {
  let t: TestWorld;
  let dir: string;
  beforeAll(async () => {
    t = await createTestWorld(
      Object.values(CLASSES).map((c) => c.spec),
      { keys: ['alice', 'erin', 'frank', 'james'] },
    );
    dir = await mkdtemp(join(tmpdir(), 'crosscheck-history-'));
  }, 240_000);
  afterAll(async () => {
    await t?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ends unverified (exit 3), never tampered, with each class judged as history says', async () => {
    const json = join(dir, 'report.json');
    const result = await runCli(['verify', 'django', '--all', '--format', 'json', '--output', json, ...worldArgs(t)]);
    expect(result.stderr).toBe('');
    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    expect(report.releases.map((r) => r.version).sort()).toEqual(
      Object.values(CLASSES)
        .map((c) => c.spec.version)
        .sort(),
    );
    for (const [name, expected] of Object.entries(CLASSES)) {
      const release = report.releases.find((r) => r.version === expected.spec.version)!;
      const failing = release.checks.filter((c) => c.status === 'fail');
      expect
        .soft(
          failing.map((c) => `${c.id} ${c.reason}: ${c.message}`),
          `${name}: nothing fails`,
        )
        .toEqual([]);
      expect.soft(release.verdict, name).toBe(expected.verdict);
      expect
        .soft(
          release.checks.find((c) => c.id === 'git.tag.signature'),
          name,
        )
        .toMatchObject(expected.tag);
      expect
        .soft(
          release.checks.find((c) => c.id === 'site.checksums.signature'),
          name,
        )
        .toMatchObject(expected.checksums);
      for (const check of release.checks.filter((c) => c.status === 'unverified'))
        expect.soft(check.remedy, `${name}: ${check.id} says what to do`).toBeTruthy();
    }
    expect(result.code).toBe(3);
    const stale = report.releases
      .find((r) => r.version === '3.2.15')!
      .checks.find((c) => c.id === 'git.tag.signature')!;
    // Whose key, when the copy expired, when the signature was made, and that the copy needs refreshing.
    expect(stale.message).toMatch(/erin/i);
    expect(stale.message).toContain('2021-01-01');
    expect(stale.message).toContain('2022-07-01');
    expect(stale.remedy).toMatch(/refresh/i);
    const unheld = report.releases
      .find((r) => r.version === '1.4.22')!
      .checks.find((c) => c.id === 'git.tag.signature')!;
    expect(unheld.message).toContain('James Past');
    expect(unheld.remedy).toMatch(/add James Past's key/);
  }, 240_000);

  it('groups the unverified releases by what the user should do, in text and in Markdown', async () => {
    const text = await runCli(['verify', 'django', '--all', ...worldArgs(t)]);
    expect(text.code).toBe(3);
    const section = text.stdout.slice(text.stdout.indexOf('What could not be verified'));
    expect(section).not.toBe(text.stdout);
    const lines = section.split('\n').filter((line) => line.startsWith('  - '));
    const lineFor = (version: string) =>
      lines.filter((line) => new RegExp(`\\b${version.replace(/\./g, '\\.')}\\b`).test(line));
    expect(lineFor('1.4.22').join('\n')).toMatch(/add James Past's key/);
    expect(lineFor('3.2.15').join('\n')).toMatch(/refresh/i);
    expect(lineFor('2.2.10').length).toBeGreaterThan(0);
    for (const genuine of ['1.11.27', '2.0.6', '2.2.19', '4.2.6']) expect(lineFor(genuine), genuine).toEqual([]);

    const markdown = await runCli(['verify', 'django', '--all', '--format', 'markdown', ...worldArgs(t)]);
    expect(markdown.code).toBe(3);
    const html = await marked.parse(markdown.stdout);
    const list = html.slice(html.indexOf('What could not be verified, and what to do'));
    const items = [...list.slice(0, list.indexOf('</ul>')).matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.find((item) => item.includes('1.4.22'))).toMatch(/add James Past(’|'|&#39;)s key/);
    expect(items.find((item) => item.includes('3.2.15'))).toMatch(/refresh/i);
    expect(items.some((item) => /\b2\.0\.6\b|\b4\.2\.6\b/.test(item))).toBe(false);
  }, 240_000);

  it('publishes a statement apart from what the operator should do: who signed, what each warning means, what a pass does not cover', async () => {
    const markdown = await runCli(['verify', 'django', '--all', '--format', 'markdown', ...worldArgs(t)]);
    const html = await marked.parse(markdown.stdout);
    const [statement, operator] = html.split('<hr>');
    expect(operator).toBeDefined();
    const headings = [...statement!.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual([
      'What was checked',
      'Results',
      'Who signed',
      'What the warnings mean',
      'What a pass does not cover',
      'Findings',
      'Where each file was fetched',
    ]);
    expect(statement).toContain('To reproduce it: <code>crosscheck verify django --all');
    expect(statement).toMatch(/<code>PGP_SHA1_HISTORICAL<\/code> \(1\.11\.27\): signed with SHA-1 before 2020/);
    expect(statement).toMatch(/<code>TAG_UNSIGNED<\/code> \(2\.2\.19\)/);
    expect(statement).toMatch(/A release manager(’|'|&#39;)s key used by someone else/);
    // Who signed 2.0.6: Frank, by full fingerprint, for the checksum file and the tag.
    expect(statement).toMatch(
      /<td>2\.0\.6<\/td>\s*<td>Frank Resigned <code>3A1416F58DCC4B920CD907B083A8DBFE14C90B9B<\/code><\/td>\s*<td>Frank Resigned <code>3A1416F58DCC4B920CD907B083A8DBFE14C90B9B<\/code><\/td>/,
    );
    // Advice to the operator stays out of what is published.
    expect(statement).not.toMatch(/add James Past/);
    expect(statement).not.toMatch(/refresh/i);
    expect(operator).toMatch(/For the operator \(not part of the statement\)/);
    expect(operator).toMatch(/add James Past(’|'|&#39;)s key/);
  }, 240_000);

  it('fails a tag rewritten on the git host under the name of a genuine unsigned one (exit 1, that release only)', async () => {
    const repo = await GitRepo.open(gitRepoPath(t.root), t.gpg);
    const commit = t.manifest.releases.find((r) => r.spec.version === '2.2.19')!.commit;
    const original = t.manifest.releases.find((r) => r.spec.version === '2.2.19')!.tagObject;
    try {
      const rewritten = await repo.tag('2.2.19', commit, null, day('2021-02-19'), 'Tag 2.2.19 (re-tagged)');
      expect(rewritten).not.toBe(original);
      const json = join(dir, 'rewritten.json');
      const result = await runCli(['verify', 'django', '--all', '--format', 'json', '--output', json, ...worldArgs(t)]);
      expect(result.code).toBe(1);
      const report = JSON.parse(await readFile(json, 'utf8')) as Report;
      const failed = report.releases.filter((r) => r.verdict === 'fail');
      expect(failed.map((r) => r.version)).toEqual(['2.2.19']);
      expect(failed[0]!.checks.find((c) => c.id === 'git.tag.signature')).toMatchObject({
        status: 'fail',
        reason: 'TAG_REWRITTEN',
      });
    } finally {
      await repo.updateRef('refs/tags/2.2.19', original);
    }
  }, 240_000);
});
