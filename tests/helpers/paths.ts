import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';

export const ROOT = packageRoot();
export const REAL = join(ROOT, 'fixtures', 'real');
export const DJANGO_KEYS = join(ROOT, 'keys', 'django');
export const PINNED_TEST_KEYS = join(ROOT, 'fixtures', 'keys', 'pinned');

/** The real Django sdists fetched by fixtures/real/get-django-sdists.sh (.ci/run does it). */
export function realSdist(version: '3.2.25' | '4.2.28'): string | undefined {
  const dir = process.env.CROSSCHECK_REAL_SDISTS ?? join(ROOT, '.cache', 'real-sdists');
  const path = join(dir, version === '3.2.25' ? 'Django-3.2.25.tar.gz' : 'django-4.2.28.tar.gz');
  return existsSync(path) ? path : undefined;
}
