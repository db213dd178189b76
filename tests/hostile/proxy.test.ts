import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, runCli, TEST_KEYS, type TestWorld } from '../helpers/world.js';

const run = promisify(execFile);
const DOMAIN = 'crosscheck.test';

/**
 * A corporate network as a proxy user meets it: the test hosts have names no resolver knows
 * (`*.crosscheck.test`); only a CONNECT proxy on loopback reaches them, over HTTPS with
 * certificates from a private CA. crosscheck's HTTP client and the git it runs must both go
 * through the proxy that HTTPS_PROXY names, honour NO_PROXY, and trust the CA --ca-file gives.
 */
async function privateCa(dir: string): Promise<{ caFile: string; key: Buffer; cert: Buffer }> {
  const path = (name: string) => join(dir, name);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=crosscheck test CA',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.pem'),
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=*.${DOMAIN}`,
    '-keyout',
    path('host.key'),
    '-out',
    path('host.csr'),
  ]);
  await writeFile(path('san.ext'), `subjectAltName=DNS:*.${DOMAIN}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    path('host.csr'),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    path('san.ext'),
    '-out',
    path('host.pem'),
  ]);
  return { caFile: path('ca.pem'), key: await readFile(path('host.key')), cert: await readFile(path('host.pem')) };
}

/** A CONNECT proxy that resolves `<name>.crosscheck.test:<port>` to 127.0.0.1:<port>, and nothing else. */
async function startProxy(): Promise<{ url: string; tunnels: string[]; stop(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end('CONNECT only\n'));
  server.on('connect', (req, client: Socket) => {
    sockets.add(client);
    const [host = '', port = ''] = (req.url ?? '').split(':');
    tunnels.push(req.url ?? '');
    if (!host.endsWith(`.${DOMAIN}`)) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('behind a proxy, with a private CA', () => {
  let t: TestWorld;
  let dir: string;
  let caFile: string;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let args: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crosscheck-proxy-'));
    const ca = await privateCa(dir);
    caFile = ca.caFile;
    t = await createTestWorld([releaseSpec('4.2.28')], { tls: { key: ca.key, cert: ca.cert, git: true } });
    proxy = await startProxy();
    // The world's servers, by names that only the proxy resolves.
    const named = (url: string, name: string) => url.replace('127.0.0.1', `${name}.${DOMAIN}`);
    const profile = t.world.args().slice(t.world.args().indexOf('--profile'), t.world.args().indexOf('--profile') + 2);
    args = [
      '--site-url',
      named(t.world.siteUrl, 'www'),
      '--media-url',
      named(t.world.mediaUrl, 'media'),
      '--pypi-url',
      named(t.world.pypiUrl, 'pypi'),
      '--git-url',
      named(t.world.gitUrl, 'git'),
      ...profile,
      '--keys',
      TEST_KEYS,
      '--quiet',
      '--format',
      'json',
    ];
  }, 240_000);
  afterAll(async () => {
    await proxy?.stop();
    await t?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const verify = async (env: NodeJS.ProcessEnv, extra: string[] = []) => {
    const cache = await mkdtemp(join(dir, 'cache-'));
    const result = await runCli(['verify', 'django', '4.2.28', ...args, '--cache', cache, ...extra], {
      NO_PROXY: '',
      no_proxy: '',
      HTTP_PROXY: '',
      http_proxy: '',
      HTTPS_PROXY: '',
      https_proxy: '',
      ...env,
    });
    const report = result.stdout
      ? (JSON.parse(result.stdout) as {
          releases: { verdict: string; checks: { id: string; status: string; reason?: string; message: string }[] }[];
        })
      : undefined;
    return { ...result, report };
  };

  it('verifies the release through HTTPS_PROXY: every HTTP request and git itself go through the tunnel, trusting --ca-file', async () => {
    const before = proxy.tunnels.length;
    const result = await verify({ HTTPS_PROXY: proxy.url }, ['--ca-file', caFile]);
    const notPassing = result.report!.releases[0]!.checks.filter(
      (c) => c.status !== 'pass' && c.status !== 'skipped' && c.status !== 'warn',
    );
    expect(notPassing).toEqual([]);
    expect(result.code).toBe(0);
    const hosts = new Set(proxy.tunnels.slice(before).map((authority) => authority.split('.')[0]));
    expect([...hosts].sort()).toEqual(['git', 'media', 'pypi', 'www']);
  }, 120_000);

  it('reaches nothing without the proxy: the names do not resolve (unverified, exit 3)', async () => {
    const result = await verify({}, ['--ca-file', caFile]);
    expect(result.code).toBe(3);
    const checks = result.report!.releases[0]!.checks;
    expect(checks.find((c) => c.id === 'site.checksums.fetch')?.status).toBe('unverified');
    expect(checks.find((c) => c.id === 'git.tag.fetch')?.status).toBe('unverified');
  }, 120_000);

  it('honours NO_PROXY: a host it names is asked directly (and here cannot be reached)', async () => {
    const result = await verify({ HTTPS_PROXY: proxy.url, NO_PROXY: `pypi.${DOMAIN}` }, ['--ca-file', caFile]);
    const checks = result.report!.releases[0]!.checks;
    expect(checks.find((c) => c.id === 'pypi.release.metadata')?.status).toBe('unverified');
    expect(checks.find((c) => c.id === 'site.checksums.fetch')?.status).toBe('pass');
    expect(result.code).toBe(3);
  }, 120_000);

  it('does not trust the private CA without --ca-file, through the proxy either', async () => {
    const result = await verify({ HTTPS_PROXY: proxy.url });
    const checks = result.report!.releases[0]!.checks;
    expect(checks.find((c) => c.id === 'site.checksums.fetch')).toMatchObject({ status: 'unverified', reason: 'TLS' });
    expect(checks.find((c) => c.id === 'git.tag.fetch')?.status).toBe('unverified');
    expect(result.code).toBe(3);
  }, 120_000);
});
