/**
 * A small pattern engine for the two glob dialects setuptools uses: a pattern is a sequence of
 * atoms over code points, compiled to a Thompson NFA and run as a DFA built lazily from it (each
 * set of live NFA states becomes a DFA state the first time it is reached; a transition is
 * computed once per state and character). Matching is O(|text|) once warm, O(|text| × |pattern|)
 * at worst, with no backtracking: `**` repeated in one pattern against a long path stays linear
 * in the path (Python's `re` backtracks on the same regexes; the answers are the same, the time
 * is not).
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
export const literal =
  (c: number): CharTest =>
  (cp) =>
    cp === c;

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
    matches: (text) => prefixMatches(text, prefix) && suffixMatches(text, suffix) && runDfa(nfa, text),
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

/** A set of live NFA states, with the transitions computed from it so far (null: no state left). */
interface DfaState {
  states: Int32Array;
  accepting: boolean;
  next: Map<number, DfaState | null>;
}

/** Beyond this many DFA states a pattern's new sets are not remembered (memory stays bounded). */
const MAX_DFA_STATES = 4096;

interface Nfa {
  edges: Edge[][];
  /** For each state, the states reachable by empty moves (itself included). */
  closure: number[][];
  accept: number;
  dfa: Map<string, DfaState>;
  start: DfaState;
  /** Scratch space for computing one transition: the generation marks a state as collected. */
  stamp: Float64Array;
  generation: number;
  scratch: Int32Array;
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
  const size = edges.length;
  const dfa = new Map<string, DfaState>();
  const start = intern(dfa, n, Int32Array.from(closure[0]!).sort());
  return {
    edges,
    closure,
    accept: n,
    dfa,
    start,
    stamp: new Float64Array(size).fill(-1),
    generation: 0,
    scratch: new Int32Array(size),
  };
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

/** One pass over the text's code points through the lazily built DFA; no backtracking. */
function runDfa(nfa: Nfa, text: string): boolean {
  let state: DfaState | null = nfa.start;
  for (let at = 0; at < text.length && state;) {
    const cp = text.codePointAt(at)!;
    at += cp > 0xffff ? 2 : 1;
    const known: DfaState | null | undefined = state.next.get(cp);
    state = known !== undefined ? known : transition(nfa, state, cp);
  }
  return state?.accepting ?? false;
}

/** The DFA state after one code point: every NFA edge that accepts it, with empty-move closures. */
function transition(nfa: Nfa, from: DfaState, cp: number): DfaState | null {
  const generation = ++nfa.generation;
  let count = 0;
  for (const state of from.states) {
    for (const edge of nfa.edges[state]!) {
      if (!edge.test(cp)) continue;
      for (const s of nfa.closure[edge.to]!) {
        if (nfa.stamp[s] === generation) continue;
        nfa.stamp[s] = generation;
        nfa.scratch[count++] = s;
      }
    }
  }
  const to = count === 0 ? null : intern(nfa.dfa, nfa.accept, nfa.scratch.slice(0, count).sort());
  if (nfa.dfa.size < MAX_DFA_STATES) from.next.set(cp, to);
  return to;
}

/** The DFA state for a sorted set of NFA states, shared when the set was seen before. */
function intern(dfa: Map<string, DfaState>, accept: number, states: Int32Array): DfaState {
  const key = states.join(',');
  const known = dfa.get(key);
  if (known) return known;
  const created: DfaState = { states, accepting: states.includes(accept), next: new Map() };
  if (dfa.size < MAX_DFA_STATES) dfa.set(key, created);
  return created;
}
