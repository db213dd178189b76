import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpgHome, type TestKeyName } from '../../fixtures/release/gpg.js';
import { buildWorld, type ReleaseSpec, WORLD_PROFILE, type WorldManifest } from '../../fixtures/world/build.js';
import { type Fault, type RunningWorld, startWorld, type WorldOptions } from '../../fixtures/world/servers.js';
import { packageRoot } from '../../src/io/package-root.js';

export const CLI = join(packageRoot(), 'dist', 'crosscheck.mjs');
export const TEST_KEYS = join(packageRoot(), 'fixtures', 'keys', 'pinned');

export interface TestWorld {
  root: string;
  manifest: WorldManifest;
  gpg: GpgHome;
  world: RunningWorld;
  cache: string;
  dispose(): Promise<void>;
}

/** Builds a world of releases in a temporary directory and starts its servers on 127.0.0.1. */
export async function createTestWorld(
  specs: ReleaseSpec[],
  options: WorldOptions & {
    mutate?: (root: string, manifest: WorldManifest, gpg: GpgHome) => Promise<void>;
    keys?: TestKeyName[];
  } = {},
): Promise<TestWorld> {
  const root = await mkdtemp(join(tmpdir(), 'crosscheck-world-'));
  const gpg = await GpgHome.create(options.keys);
  const manifest = await buildWorld(root, specs, gpg);
  if (options.mutate) await options.mutate(root, manifest, gpg);
  const world = await startWorld(root, options);
  const cache = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
  return {
    root,
    manifest,
    gpg,
    world,
    cache,
    async dispose() {
      await world.stop();
      await gpg.dispose();
      await rm(root, { recursive: true, force: true });
      await rm(cache, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (the built dist/) as a user would. */
/** Runs the CLI; with `timeoutMs`, one that has not ended by then is killed (and its code is not 0 or 2). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...firstProfileWins(args)],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * A test that passes its own --profile means that one, not the world's default that worldArgs
 * adds (commander would keep whichever comes last).
 */
function firstProfileWins(args: string[]): string[] {
  const profiles = args.filter((_, i) => args[i - 1] === '--profile');
  if (profiles.length < 2) return args;
  return args.filter(
    (arg, i) =>
      !((arg === '--profile' && isWorldProfile(args[i + 1])) || (args[i - 1] === '--profile' && isWorldProfile(arg))),
  );
}

const isWorldProfile = (path: string | undefined) => path !== undefined && path.endsWith(`/${WORLD_PROFILE}`);

/** CLI arguments for verifying against a test world with the test keys (and the world's profile, which pins its unsigned tags). */
export function worldArgs(t: TestWorld, extra: string[] = []): string[] {
  return [...t.world.args(), '--keys', TEST_KEYS, '--cache', t.cache, '--quiet', ...extra];
}

export function runInWorld(t: TestWorld, args: string[]): Promise<CliResult> {
  return runCli([...args, ...worldArgs(t)]);
}

export function git(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }, (error, stdout, stderr) =>
      error ? reject(new Error(stderr)) : resolve(stdout),
    ),
  );
}

/** Runs `body` while the world serves `fault`, and takes the fault away afterwards, whatever happens. */
export async function withFault<T>(t: TestWorld, fault: Fault, body: () => Promise<T>): Promise<T> {
  t.world.faults.push(fault);
  try {
    return await body();
  } finally {
    t.world.faults.splice(t.world.faults.indexOf(fault), 1);
  }
}
