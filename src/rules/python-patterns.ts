/**
 * The two pattern dialects setuptools applies to MANIFEST.in, translated to NFA atoms:
 *
 * - `fnmatch` (CPython 3.11's fnmatch.translate): what setuptools' glob uses to match one
 *   directory entry's name (include, recursive-include, graft). `*` and `?` match any character,
 *   `[...]` is a class with `a-z` ranges and `!` negation, an unclosed `[` is literal.
 * - `translate_pattern` (setuptools.command.egg_info): what the exclude actions, prune and
 *   global-include match whole relative paths against. `*` and `?` stop at `/`; a path component
 *   that is exactly `**` matches any run of whole components (or, last, anything); `[...]` is a
 *   set of literal characters — no ranges: `[a-z]` is the three characters a, -, z — and a
 *   negated set `[!x]` also matches `/`.
 */
import {
  anyChar,
  type Atom,
  type CharTest,
  codePoints,
  compileAtoms,
  literal,
  type Matcher,
  notSlash,
} from './pattern-nfa.js';

const BANG = 0x21; // !
const DASH = 0x2d; // -
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const SLASH = 0x2f;

/** setuptools.glob.has_magic: the pattern has `*`, `?` or `[`. */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** The end (index of the `]`) of a bracket starting at `open`, scanned as both dialects do, or -1. */
function classEnd(cps: readonly number[], open: number): number {
  let j = open + 1;
  if (j < cps.length && cps[j] === BANG) j++;
  if (j < cps.length && cps[j] === CLOSE) j++;
  while (j < cps.length && cps[j] !== CLOSE) j++;
  return j < cps.length ? j : -1;
}

interface CharRange {
  lo: number;
  hi: number;
}

function rangeTest(ranges: readonly CharRange[], negated: boolean): CharTest {
  return (cp) => ranges.some((r) => cp >= r.lo && cp <= r.hi) !== negated;
}

function single(cp: number): CharRange {
  return { lo: cp, hi: cp };
}

/** A name matcher with fnmatch's semantics (the whole name must match). */
export function compileFnmatch(pattern: string): Matcher {
  return compileAtoms(fnmatchAtoms(pattern));
}

export function fnmatchAtoms(pattern: string): Atom[] {
  const cps = codePoints(pattern);
  const atoms: Atom[] = [];
  let i = 0;
  while (i < cps.length) {
    const c = cps[i++]!;
    if (c === STAR) {
      // Consecutive stars are one star.
      const last = atoms[atoms.length - 1];
      if (!last || last.kind !== 'many') atoms.push({ kind: 'many', test: anyChar });
    } else if (c === QUESTION) atoms.push({ kind: 'one', test: anyChar });
    else if (c === OPEN) {
      const end = classEnd(cps, i - 1);
      if (end < 0) atoms.push({ kind: 'one', test: literal(OPEN) });
      else {
        atoms.push({ kind: 'one', test: fnmatchClass(cps, i, end) });
        i = end + 1;
      }
    } else atoms.push({ kind: 'one', test: literal(c) });
  }
  return atoms;
}

/**
 * The class between `start` and `end` (exclusive), following CPython 3.11's fnmatch.translate:
 * a `-` splits the body into chunks, a range joins the last character of one chunk to the first
 * of the next, a `-` right after `[` or `[!` (or last) is literal, and ranges running backwards
 * are dropped (with their end characters). A leading `!` negates.
 */
function fnmatchClass(cps: readonly number[], start: number, end: number): CharTest {
  const stuff = cps.slice(start, end);
  if (!stuff.includes(DASH)) {
    if (stuff[0] === BANG) return rangeTest(stuff.slice(1).map(single), true);
    return rangeTest(stuff.map(single), false);
  }
  const chunks = fnmatchChunks(cps, start, end);
  const first = chunks[0]!;
  const negated = first[0] === BANG;
  if (negated) chunks[0] = first.slice(1);
  const ranges: CharRange[] = [];
  chunks.forEach((chunk, k) => {
    ranges.push(...chunk.map(single));
    const previous = chunks[k - 1];
    if (previous && previous.length > 0 && chunk.length > 0)
      ranges.push({ lo: previous[previous.length - 1]!, hi: chunk[0]! });
  });
  // An empty set never matches; a negated empty set matches anything (fnmatch's '(?!)' and '.').
  if (ranges.length === 0) return negated ? anyChar : () => false;
  return rangeTest(ranges, negated);
}

/** fnmatch.translate's chunks of a class body that holds a `-`, with empty ranges removed. */
function fnmatchChunks(cps: readonly number[], start: number, end: number): number[][] {
  const chunks: number[][] = [];
  let i = start;
  let k = cps[i] === BANG ? i + 2 : i + 1;
  for (;;) {
    k = indexOfIn(cps, DASH, k, end);
    if (k < 0) break;
    chunks.push(cps.slice(i, k));
    i = k + 1;
    k += 3;
  }
  const tail = cps.slice(i, end);
  if (tail.length > 0) chunks.push(tail);
  else chunks[chunks.length - 1]!.push(DASH);
  for (let j = chunks.length - 1; j > 0; j--) {
    const left = chunks[j - 1]!;
    const right = chunks[j]!;
    if (left[left.length - 1]! > right[0]!) {
      chunks[j - 1] = [...left.slice(0, -1), ...right.slice(1)];
      chunks.splice(j, 1);
    }
  }
  return chunks;
}

function indexOfIn(cps: readonly number[], value: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (cps[i] === value) return i;
  return -1;
}

/**
 * A whole-path matcher with setuptools' translate_pattern semantics. From setuptools 83.0 both
 * the pattern and the path are put in Unicode normal form C first (GHSA-h35f-9h28-mq5c).
 */
export function compileSetuptoolsPattern(glob: string, normalizeUnicode = false): Matcher {
  if (!normalizeUnicode) return compileAtoms(setuptoolsPatternAtoms(glob));
  const inner = compileAtoms(setuptoolsPatternAtoms(glob.normalize('NFC')));
  return { matches: (text) => inner.matches(text.normalize('NFC')) };
}

export function setuptoolsPatternAtoms(glob: string): Atom[] {
  // Split on '/' first, even inside [brackets], as setuptools does.
  const chunks = glob.split('/');
  const atoms: Atom[] = [];
  chunks.forEach((chunk, c) => {
    const last = c === chunks.length - 1;
    if (chunk === '**') {
      atoms.push(last ? { kind: 'many', test: anyChar } : { kind: 'segments' });
      return;
    }
    atoms.push(...chunkAtoms(codePoints(chunk)));
    if (!last) atoms.push({ kind: 'one', test: literal(SLASH) });
  });
  return atoms;
}

function chunkAtoms(cps: readonly number[]): Atom[] {
  const atoms: Atom[] = [];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === STAR) atoms.push({ kind: 'many', test: notSlash });
    else if (c === QUESTION) atoms.push({ kind: 'one', test: notSlash });
    else if (c === OPEN && classEnd(cps, i) >= 0) {
      const end = classEnd(cps, i);
      let inner = cps.slice(i + 1, end);
      const negated = inner[0] === BANG;
      if (negated) inner = inner.slice(1);
      // re.escape(inner): every character literal, so no ranges.
      atoms.push({ kind: 'one', test: rangeTest(inner.map(single), negated) });
      i = end;
    } else atoms.push({ kind: 'one', test: literal(c) });
  }
  return atoms;
}
