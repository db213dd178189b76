import { describe, expect, it } from 'vitest';
import { compileFnmatch, compileSetuptoolsPattern } from '../../src/rules/python-patterns.js';

const fn = (pattern: string, name: string): boolean => compileFnmatch(pattern).matches(name);
const path = (pattern: string, p: string): boolean => compileSetuptoolsPattern(pattern).matches(p);

describe('fnmatch (names, as setuptools.glob matches directory entries)', () => {
  it('matches * and ? across any character, dot-files included', () => {
    expect(fn('*', '.hidden')).toBe(true);
    expect(fn('*.py', 'a.py')).toBe(true);
    expect(fn('?.py', 'ab.py')).toBe(false);
    expect(fn('a*b*c', 'a-b-b-c')).toBe(true);
  });

  it('reads classes as CPython 3.11 does: ranges, negation, literal first ], unclosed [', () => {
    expect(fn('[a-c]', 'b')).toBe(true);
    expect(fn('[!a-c]', 'b')).toBe(false);
    expect(fn('[]a]', ']')).toBe(true);
    expect(fn('[!]]', 'x')).toBe(true);
    expect(fn('a[', 'a[')).toBe(true);
    expect(fn('[a-]', '-')).toBe(true);
    expect(fn('[-a]', '-')).toBe(true);
  });

  it('drops a backwards range: [z-a] never matches, [!z-a] matches anything', () => {
    expect(fn('[z-a]', 'z')).toBe(false);
    expect(fn('[z-a]', 'a')).toBe(false);
    expect(fn('[!z-a]', 'q')).toBe(true);
  });

  it('counts characters outside the BMP as one', () => {
    expect(fn('?.py', '😀.py')).toBe(true);
    expect(fn('[😀]', '😀')).toBe(true);
  });
});

describe('translate_pattern (whole paths, as exclude, prune and global-include match)', () => {
  it('keeps * and ? inside one component', () => {
    expect(path('*.py', 'a.py')).toBe(true);
    expect(path('*.py', 'd/a.py')).toBe(false);
    expect(path('d/?.py', 'd/a.py')).toBe(true);
  });

  it('takes a ** component for any run of whole components, or anything when last', () => {
    expect(path('**/x', 'x')).toBe(true);
    expect(path('**/x', 'a/b/x')).toBe(true);
    expect(path('**/x', 'a//x')).toBe(false);
    expect(path('d/**', 'd/a/b')).toBe(true);
    expect(path('d/**', 'd/')).toBe(true);
    expect(path('a**', 'ab/c')).toBe(false);
  });

  it('reads [a-z] as three literal characters, and lets [!x] match a slash', () => {
    expect(path('[a-z]', 'b')).toBe(false);
    expect(path('[a-z]', '-')).toBe(true);
    expect(path('a[!x]b', 'a/b')).toBe(true);
  });

  // Python backtracks on the same regexes for longer than the universe's age; an automaton ends
  // within the test timeout, which is all this asserts about time (npm run bench has the figures).
  it('answers many ** against a long path, as an automaton (Python backtracks on the same regex)', () => {
    const deep = `${'a/'.repeat(20_000)}y`;
    expect(compileSetuptoolsPattern(`${'**/'.repeat(40)}x`).matches(deep)).toBe(false);
    expect(compileSetuptoolsPattern(`${'**/'.repeat(40)}y`).matches(deep)).toBe(true);
    expect(compileFnmatch(`${'*a'.repeat(40)}b`).matches('a'.repeat(100_000))).toBe(false);
  });
});
