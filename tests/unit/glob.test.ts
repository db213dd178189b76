import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/compare/glob.js';

/** The regular expression the matcher replaced: the meaning the profiles were written for. */
function asRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

describe('profile globs', () => {
  const patterns = ['PKG-INFO', '*.egg-info/*', '**', '*.dist-info/*', '*.data/scripts/*', 'setup.cfg', 'docs/**/*.txt', 'a**b', '**/', '*', '', 'x?.[y]', '**/*.py', 'django/**'];
  const paths = ['PKG-INFO', 'Django.egg-info/SOURCES.txt', 'Django.egg-info/sub/x', 'docs/a/b/c.txt', 'docs/c.txt', 'docs/.txt', 'ab', 'a/b', 'axxb', 'a', '', 'x?.[y]', 'xa.y', 'django/utils/html.py', 'setup.py', 'dir/', 'django-5.2.data/scripts/django-admin', 'é/ü.py', '😀/x.py'];

  it('match exactly what the regular expressions they replaced matched', () => {
    for (const pattern of patterns) {
      const glob = compileGlob(pattern);
      const regexp = asRegExp(pattern);
      for (const path of paths) expect(glob.test(path), `${pattern} on ${path}`).toBe(regexp.test(path));
    }
  });

  it('take milliseconds on a pathological pattern and a 1,000-segment path, where backtracking took seconds', () => {
    const pattern = '**a**a**a**a**a**a**a**a**b';
    const path = 'a/'.repeat(1000).slice(0, -1);
    const started = performance.now();
    expect(compileGlob(pattern).test(path)).toBe(false);
    expect(compileGlob('**a/**a/**/*a**c').test(path)).toBe(false);
    expect(compileGlob('**a**a**a**a').test(path)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
