import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { SCENARIOS } from '../../fixtures/world/scenarios.js';
import type { FaultKind, Host } from '../../fixtures/world/servers.js';
import { createTestWorld, runCli, type TestWorld, withFault, worldArgs } from '../helpers/world.js';

const run = promisify(execFile);
const LIMITS = [
  '--limit',
  'requestDeadlineMs=4000',
  '--limit',
  'idleTimeoutMs=1500',
  '--limit',
  'slowGraceMs=1500',
  '--limit',
  'minBytesPerSecond=1000',
];

interface Report {
  releases: {
    version: string;
    verdict: string;
    checks: { id: string; status: string; reason?: string; message: string }[];
  }[];
}

const specs = () => [releaseSpec('4.2.28'), releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })];

async function verifyBoth(t: TestWorld, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const result = await runCli(
    ['verify', 'django', '4.2.28', '5.2.16', '--format', 'json', ...worldArgs(t, [...LIMITS, ...extra])],
    env,
  );
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as Report) : undefined };
}
const check = (report: Report, version: string, id: string) =>
  report.releases.find((r) => r.version === version)!.checks.find((c) => c.id === id);

describe('faults from the servers (threat catalog H-01 … H-07)', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld(specs());
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const cases: [FaultKind, Host, string | RegExp, string, string, string[]?][] = [
    ['truncate', 'media', 'django-5.2.16.tar.gz', 'site.sdist.digest', 'HTTP_TRUNCATED'],
    ['truncate-no-length', 'media', 'django-5.2.16.tar.gz', 'site.sdist.digest', 'HTTP_FRAMING'],
    ['no-length', 'media', 'django-5.2.16.tar.gz', 'site.sdist.digest', 'HTTP_FRAMING'],
    ['stall', 'media', 'django-5.2.16.tar.gz', 'site.sdist.digest', 'HTTP_TIMEOUT'],
    ['drip', 'media', 'django-5.2.16.tar.gz', 'site.sdist.digest', 'HTTP_TOO_SLOW'],
    ['status-500', 'media', 'django-5.2.16.tar.gz', 'site.sdist.digest', 'HTTP_STATUS'],
    ['redirect-loop', 'www', '/download/5.2.16/tarball/', 'site.sdist.digest', 'HTTP_REDIRECT_POLICY'],
    ['redirect-foreign', 'www', '/download/5.2.16/tarball/', 'site.sdist.digest', 'HTTP_REDIRECT_POLICY'],
    ['redirect-file', 'www', '/download/5.2.16/tarball/', 'site.sdist.digest', 'HTTP_REDIRECT_POLICY'],
    ['gzip-encoding', 'media', 'django-5.2.16.tar.gz', 'site.sdist.digest', 'HTTP_CONTENT_ENCODING'],
    [
      'oversize',
      'media',
      'django-5.2.16.tar.gz',
      'site.sdist.digest',
      'LIMIT_RESPONSE',
      ['--limit', 'artifactBytes=1048576'],
    ],
    ['status-500', 'pypi', /\/pypi\/django\/5\.2\.16\/json/i, 'pypi.release.metadata', 'HTTP_STATUS'],
    [
      'oversize',
      'pypi',
      /\/pypi\/django\/5\.2\.16\/json/i,
      'pypi.release.metadata',
      'LIMIT_RESPONSE',
      ['--limit', 'jsonBytes=65536'],
    ],
    ['status-500', 'media', 'Django-5.2.16.checksum.txt', 'site.checksums.fetch', 'HTTP_STATUS'],
  ];

  it.each(cases)(
    '%s from %s (%s) leaves %s unverified with %s; the other release still passes',
    async (kind, host, path, id, reason, extra) => {
      await withFault(t, { host, path, kind }, async () => {
        const { code, report, stderr } = await verifyBoth(t, [...(extra ?? []), '--refresh']);
        expect(stderr).not.toMatch(/internal error/);
        expect(check(report!, '5.2.16', id)).toMatchObject({ status: 'unverified', reason });
        expect(report!.releases.find((r) => r.version === '5.2.16')!.checks.filter((c) => c.status === 'fail')).toEqual(
          [],
        );
        expect(report!.releases.find((r) => r.version === '4.2.28')!.verdict).toBe('pass');
        expect(code).toBe(3);
      });
    },
  );

  it('a release the run deadline cuts off ends incomplete, saying which limit to raise; the run still ends', async () => {
    // Without the run deadline this stall would outlast the test's own timeout: every other limit is set past it.
    await withFault(t, { host: 'media', path: 'django-5.2.16.tar.gz', kind: 'stall' }, async () => {
      const patient = [
        '--limit',
        'idleTimeoutMs=120000',
        '--limit',
        'requestDeadlineMs=120000',
        '--limit',
        'slowGraceMs=120000',
      ];
      const { code, report } = await verifyBoth(t, ['--refresh', ...patient, '--limit', 'runDeadlineMs=15000']);
      const cut = report!.releases.find((r) => r.version === '5.2.16')!;
      expect(cut.verdict).toBe('incomplete');
      expect(cut.checks.find((c) => c.id === 'release.deadline')).toMatchObject({
        status: 'unverified',
        reason: 'RUN_DEADLINE',
        message: expect.stringContaining('--limit runDeadlineMs='),
      });
      expect(cut.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(report!.releases.find((r) => r.version === '4.2.28')!.verdict).toBe('pass');
      expect(code).toBe(3);
    });
  });

  it('a git server failure leaves the git checks unverified', async () => {
    await withFault(t, { host: 'git', path: '/', kind: 'status-500' }, async () => {
      const { code, report } = await verifyBoth(t, ['--cache', await mkdtemp(join(tmpdir(), 'crosscheck-cache-'))]);
      expect(check(report!, '5.2.16', 'git.tag.fetch')).toMatchObject({ status: 'unverified', reason: 'GIT_ERROR' });
      expect(code).toBe(3);
    });
  });

  it('sends Accept-Encoding: identity and never asks for a byte range (H-06, H-07)', async () => {
    await verifyBoth(t, ['--refresh']);
    const http = t.world.requests.filter((r) => r.host !== 'git');
    expect(http.length).toBeGreaterThan(0);
    expect(http.every((r) => r.headers['accept-encoding'] === 'identity')).toBe(true);
    expect(http.some((r) => r.headers.range !== undefined || r.headers.authorization !== undefined)).toBe(false);
  });
});

describe('the run deadline', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld(specs(), {
      mutate: async (root, manifest, gpg) =>
        SCENARIOS['site-sdist-poisoned']!.mutate!({ root, manifest, gpg }, '5.2.16'),
    });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('keeps what a cut-off release had already found: a failed digest stays a failure, not "incomplete"', async () => {
    await withFault(t, { host: 'media', path: 'django-5.2.16-py3-none-any.whl', kind: 'stall' }, async () => {
      const patient = [
        '--limit',
        'idleTimeoutMs=120000',
        '--limit',
        'requestDeadlineMs=120000',
        '--limit',
        'slowGraceMs=120000',
      ];
      const { code, report } = await verifyBoth(t, [...patient, '--limit', 'runDeadlineMs=15000']);
      const cut = report!.releases.find((r) => r.version === '5.2.16')!;
      expect(cut.verdict).toBe('fail');
      expect(cut.checks.find((c) => c.id === 'site.sdist.digest')).toMatchObject({
        status: 'fail',
        reason: 'DIGEST_MISMATCH',
      });
      expect(cut.checks.find((c) => c.id === 'site.checksums.signature')).toMatchObject({ status: 'pass' });
      expect(cut.checks.find((c) => c.id === 'release.deadline')).toMatchObject({
        status: 'unverified',
        reason: 'RUN_DEADLINE',
      });
      expect(report!.releases.find((r) => r.version === '4.2.28')!.verdict).toBe('pass');
      expect(code).toBe(1);
    });
  });
});

describe('TLS (H-01, H-02)', () => {
  let t: TestWorld;
  let caFile: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-tls-'));
    caFile = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      caFile,
    ]);
    t = await createTestWorld(specs(), {
      tls: { key: await readFile(join(dir, 'key.pem')), cert: await readFile(caFile) },
    });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("verifies over https with the mirror's CA given by --ca-file", async () => {
    expect(t.world.siteUrl).toMatch(/^https:/);
    const { code } = await verifyBoth(t, ['--ca-file', caFile]);
    expect(code).toBe(0);
  });

  it('refuses a certificate it cannot verify', async () => {
    const { code, report } = await verifyBoth(t, ['--refresh']);
    expect(check(report!, '5.2.16', 'site.checksums.fetch')).toMatchObject({ status: 'unverified', reason: 'TLS' });
    expect(code).toBe(3);
  });

  it('refuses to run with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const { code, stderr } = await verifyBoth(t, [], { NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    expect(code).toBe(2);
    expect(stderr).toContain('NODE_TLS_REJECT_UNAUTHORIZED');
  });

  it('refuses a redirect from https to http', async () => {
    await withFault(t, { host: 'www', path: '/download/5.2.16/tarball/', kind: 'redirect-http' }, async () => {
      const { report } = await verifyBoth(t, ['--ca-file', caFile, '--refresh']);
      expect(check(report!, '5.2.16', 'site.sdist.digest')).toMatchObject({
        status: 'unverified',
        reason: 'HTTP_REDIRECT_POLICY',
      });
      expect(check(report!, '5.2.16', 'site.sdist.digest')!.message).toMatch(/from https to http/);
    });
  });
});
