import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/io/package-root.js';

export const ROOT = packageRoot();
export const REAL = join(ROOT, 'fixtures', 'real');
export const DJANGO_KEYS = join(ROOT, 'keys', 'django');
export const PINNED_TEST_KEYS = join(ROOT, 'fixtures', 'keys', 'pinned');

/**
 * The real Django sdists fetched by fixtures/real/get-django-sdists.sh (.ci/run does it; 2.2.28
 * only where a copy was put there, as Debian 11 serves it).
 */
export function realSdist(version: '2.2.28' | '3.2.25' | '4.2.28'): string | undefined {
  const dir = process.env.CROSSCHECK_REAL_SDISTS ?? join(ROOT, '.cache', 'real-sdists');
  const path = join(dir, version === '4.2.28' ? 'django-4.2.28.tar.gz' : `Django-${version}.tar.gz`);
  return existsSync(path) ? path : undefined;
}
