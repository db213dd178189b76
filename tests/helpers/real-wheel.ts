import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ArchiveListing } from '../../src/formats/archive/member.js';
import { readWheel } from '../../src/formats/archive/wheel.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { ROOT } from './paths.js';

const run = promisify(execFile);

/**
 * Debian's build toolchains: bookworm's own packages (setuptools 66, wheel 0.38: the layout
 * before PEP 639) and trixie's, fetched by fixtures/python/get-build-tools.sh (setuptools 78,
 * wheel 0.46: PEP 639's licenses/ directory, Metadata-Version 2.4).
 */
export type Toolchain = 'bookworm' | 'trixie';

const TRIXIE = process.env.CROSSCHECK_TRIXIE_TOOLS ?? join(ROOT, '.cache', 'py-trixie');

export function toolchainAvailable(toolchain: Toolchain): boolean {
  if (toolchain === 'trixie') return existsSync(join(TRIXIE, '.complete'));
  return (
    existsSync('/usr/bin/python3') &&
    existsSync('/usr/lib/python3/dist-packages/setuptools') &&
    existsSync('/usr/lib/python3/dist-packages/build')
  );
}

export function toolchainEnv(toolchain: Toolchain): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SOURCE_DATE_EPOCH: '1700000000',
    ...(toolchain === 'trixie' ? { PYTHONPATH: join(TRIXIE, 'usr', 'lib', 'python3', 'dist-packages') } : {}),
  };
}

/**
 * A wheel built from a real sdist by the real setuptools and wheel, as `python -m build` builds
 * one from an sdist; kept in .cache/real-wheels/ by the sdist's digest and the toolchain.
 */
export async function realWheel(
  sdistPath: string,
  toolchain: Toolchain,
): Promise<{ listing: ArchiveListing; filename: string; path: string }> {
  const digest = createHash('sha256').update(readFileSync(sdistPath)).digest('hex').slice(0, 16);
  const cacheDir = join(ROOT, '.cache', 'real-wheels', `${digest}-${toolchain}`);
  if (!existsSync(cacheDir)) {
    const work = await mkdtemp(join(tmpdir(), 'crosscheck-wheel-'));
    try {
      await run('tar', ['-xzf', sdistPath, '-C', work]);
      const [top] = await readdir(work);
      const out = join(work, 'out');
      await run(
        '/usr/bin/python3',
        ['-m', 'build', '--no-isolation', '--skip-dependency-check', '--wheel', '--outdir', out, join(work, top!)],
        { env: toolchainEnv(toolchain), maxBuffer: 64 * 1024 * 1024 },
      );
      await mkdir(join(ROOT, '.cache', 'real-wheels'), { recursive: true });
      await rename(out, cacheDir).catch(async (error: NodeJS.ErrnoException) => {
        if (!existsSync(cacheDir)) throw error;
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const filename = (await readdir(cacheDir)).find((f) => f.endsWith('.whl'))!;
  const path = join(cacheDir, filename);
  const listing = await readWheel(
    path,
    { ...DEFAULT_LIMITS },
    (p) => /^[^/]+\.dist-info\//.test(p) || /^[^/]+\.data\/scripts\//.test(p),
  );
  return { listing, filename, path };
}
