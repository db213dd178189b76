import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding crosscheck's package.json, whether running from src/ or dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'profiles'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the crosscheck package root');
    dir = parent;
  }
  cached = dir;
  return dir;
}
