/**
 * A small pattern engine for the two glob dialects setuptools uses: a pattern is a sequence of
 * atoms over code points, run as a Thompson NFA. Matching is O(|text| × |pattern|) with no
 * backtracking, so `**` repeated in one pattern against a long path stays linear in the path
 * (Python's `re` backtracks on the same regexes; the answers are the same, the time is not).
 */

/** A test on one code point. */
export type CharTest = (cp: number) => boolean;

/**
 * - `one`: exactly one code point passing `test`;
 * - `many`: zero or more code points passing `test` (regex `X*`);
 * - `segments`: zero or more non-empty path segments each ending in `/` (regex `(?:[^/]+/)*`).
 */
export type Atom = { kind: 'one'; test: CharTest } | { kind: 'many'; test: CharTest } | { kind: 'segments' };

const SLASH = 0x2f;
export const anyChar: CharTest = () => true;
export const notSlash: CharTest = (cp) => cp !== SLASH;
export const literal = (c: number): CharTest => (cp) => cp === c;

export interface Matcher {
  /** Whether the whole text matches (Python's `re.match` of a pattern ending in `\Z`). */
  matches(text: string): boolean;
}

interface Edge {
  test: CharTest;
  to: number;
}

/** The code points of a string (a file name may hold characters outside the BMP). */
export function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    out.push(cp);
    if (cp > 0xffff) i++;
  }
  return out;
}

/** Compiles atoms to an anchored matcher. */
export function compileAtoms(atoms: readonly Atom[]): Matcher {
  const nfa = buildNfa(atoms);
  const prefix = fixedRun(atoms, 0, 1);
  const suffix = fixedRun(atoms, atoms.length - 1, -1);
  return {
    // Cheap rejections first: most paths fail on a fixed first or last character.
    matches: (text) => prefixMatches(text, prefix) && suffixMatches(text, suffix) && runNfa(nfa, text),
  };
}

/** The tests of the fixed-width atoms at one end of the pattern, outermost first. */
function fixedRun(atoms: readonly Atom[], start: number, step: 1 | -1): CharTest[] {
  const run: CharTest[] = [];
  for (let i = start; i >= 0 && i < atoms.length; i += step) {
    const atom = atoms[i]!;
    if (atom.kind !== 'one') break;
    run.push(atom.test);
  }
  return run;
}

function prefixMatches(text: string, tests: readonly CharTest[]): boolean {
  let at = 0;
  for (const test of tests) {
    if (at >= text.length) return false;
    const cp = text.codePointAt(at)!;
    if (!test(cp)) return false;
    at += cp > 0xffff ? 2 : 1;
  }
  return true;
}

/** Reads code points backwards: a low surrogate after a high one is one character. */
function suffixMatches(text: string, tests: readonly CharTest[]): boolean {
  let at = text.length;
  for (const test of tests) {
    if (at <= 0) return false;
    let cp = text.charCodeAt(at - 1);
    at--;
    if (cp >= 0xdc00 && cp <= 0xdfff && at > 0) {
      const high = text.charCodeAt(at - 1);
      if (high >= 0xd800 && high <= 0xdbff) {
        cp = (high - 0xd800) * 0x400 + (cp - 0xdc00) + 0x10000;
        at--;
      }
    }
    if (!test(cp)) return false;
  }
  return true;
}

interface Nfa {
  edges: Edge[][];
  /** For each state, the states reachable by empty moves (itself included). */
  closure: number[][];
  accept: number;
  /** Scratch space reused by every run (a run never re-enters): the generation marks a state live. */
  stamp: Float64Array;
  generation: number;
  current: number[];
  next: number[];
}

/** States 0..n are the positions between atoms (n accepts); `segments` atoms add one inner state. */
function buildNfa(atoms: readonly Atom[]): Nfa {
  const n = atoms.length;
  const edges: Edge[][] = Array.from({ length: n + 1 }, () => []);
  const empty: number[][] = Array.from({ length: n + 1 }, () => []);
  atoms.forEach((atom, i) => {
    if (atom.kind === 'one') edges[i]!.push({ test: atom.test, to: i + 1 });
    else if (atom.kind === 'many') {
      edges[i]!.push({ test: atom.test, to: i });
      empty[i]!.push(i + 1);
    } else {
      // i is "at a segment boundary"; inner is "inside a non-empty segment".
      const inner = edges.length;
      edges.push([]);
      empty.push([]);
      empty[i]!.push(i + 1);
      edges[i]!.push({ test: notSlash, to: inner });
      edges[inner]!.push({ test: notSlash, to: inner }, { test: literal(SLASH), to: i });
    }
  });
  const closure = edges.map((_, s) => closureOf(s, empty));
  return { edges, closure, accept: n, stamp: new Float64Array(edges.length).fill(-1), generation: 0, current: [], next: [] };
}

function closureOf(start: number, empty: readonly number[][]): number[] {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const next of empty[stack.pop()!]!) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return [...seen];
}

/** One pass over the text's code points, keeping the set of live states; no backtracking. */
function runNfa(nfa: Nfa, text: string): boolean {
  const { stamp } = nfa;
  let current = nfa.current;
  let next = nfa.next;
  let generation = ++nfa.generation;
  current.length = 0;
  addClosure(nfa, current, 0, generation);
  for (let at = 0; at < text.length; ) {
    const cp = text.codePointAt(at)!;
    at += cp > 0xffff ? 2 : 1;
    generation = ++nfa.generation;
    next.length = 0;
    for (const state of current) {
      for (const edge of nfa.edges[state]!) if (edge.test(cp)) addClosure(nfa, next, edge.to, generation);
    }
    if (next.length === 0) return false;
    [current, next] = [next, current];
  }
  return stamp[nfa.accept] === generation;
}

function addClosure(nfa: Nfa, into: number[], state: number, generation: number): void {
  for (const s of nfa.closure[state]!) {
    if (nfa.stamp[s] !== generation) {
      nfa.stamp[s] = generation;
      into.push(s);
    }
  }
}
