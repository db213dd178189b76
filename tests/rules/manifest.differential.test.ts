/**
 * Differential test of crosscheck's MANIFEST.in model against the real setuptools: thousands of
 * generated trees (nested directories, dot-files and dot-directories, __pycache__, .pyc, names
 * with spaces, brackets, wildcards, backslashes, non-ASCII and astral characters, composed and
 * decomposed accents) and templates (every action, *, ?, [..], [!..], ranges, **, trailing and
 * doubled slashes, ./, missing and extra arguments, unknown actions, comments, escaped #,
 * continuation lines, CRLF and CR line ends). Each tree is written as empty files; one Python
 * process per batch runs setuptools' FileList over them as manifest_maker does, and crosscheck
 * must list exactly the same spelled paths and give the same warnings.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifestTemplate, pySplitWords } from '../../src/formats/manifest-in.js';
import { applyManifest, type ManifestResult } from '../../src/rules/manifest.js';
import { templateDialect } from '../../src/rules/setuptools-defaults.js';
import { VirtualTree } from '../../src/rules/virtual-tree.js';
import { findSetuptoolsPython, type OracleAnswer, setuptoolsFileLists } from '../helpers/setuptools-oracle.js';

const SEED = Number(process.env.CROSSCHECK_MANIFEST_SEED ?? 20_250_601);
const CASES = Number(process.env.CROSSCHECK_MANIFEST_CASES ?? 3000);
const BATCH = 500;
/** A case setuptools takes longer than this on is not compared (its glob is exponential in `**`). */
const PYTHON_SECONDS = 5;

/** mulberry32: a small seeded PRNG, so a failing case can be regenerated from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const chance = (r: Random, p: number): boolean => r() < p;

const DIRS = [
  'a',
  'b',
  'src',
  'docs',
  'pkg',
  'sub',
  '.hidden',
  '.git',
  '__pycache__',
  'build',
  'RCS',
  'CVS',
  '.svn',
  'a b',
  '[x]',
  'c[d',
  'é',
  'e\u0301',
  'tests',
  'test',
  'x.py',
  '-',
  '!',
  '😀',
  'back\\slash',
  '#h',
  'q?',
  'st*r',
  'oracle-1',
  'z]',
];
const FILES = [
  'a.py',
  'b.pyc',
  'c.pyo',
  'README',
  'README.rst',
  'setup.py',
  'x.txt',
  '.hidden',
  '.x.py',
  'a b.py',
  '[y].txt',
  'z[.py',
  'test_a.py',
  'LICENSE',
  'é.txt',
  'e\u0301.txt',
  '😀.py',
  'file~',
  'A.PY',
  '#c.py',
  'q?.txt',
  'st*r.py',
  'x]',
  '!n',
  'a-b.c',
  'w\\b.py',
  '.#x',
  'tab\tname',
  'b',
  'sub',
  'py',
  '__init__.py',
];

/** A tree of 1–40 files up to 4 directories deep, with no path both a file and a directory. */
function randomTree(r: Random): string[] {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const count = 1 + Math.floor(r() * 40);
  for (let i = 0; i < count; i++) {
    const depth = Math.floor(r() * 5);
    const parts = Array.from({ length: depth }, () => pick(r, DIRS));
    const path = [...parts, pick(r, FILES)].join('/');
    const prefixes = parts.map((_, k) => parts.slice(0, k + 1).join('/'));
    if (files.has(path) || dirs.has(path) || prefixes.some((p) => files.has(p))) continue;
    files.add(path);
    prefixes.forEach((p) => dirs.add(p));
  }
  return [...files];
}

const SEGMENTS = [
  '*',
  '**',
  '?',
  '*.py',
  '*.py[co]',
  '[ab]*',
  '[!a]*',
  '[a-c]*',
  '[z-a]',
  '[!]x]',
  '[',
  'a[',
  '.*',
  '*~',
  'test*',
  '*[',
  '[]]',
  '[!b-a]',
  '[.]*',
  '[é]*',
  '*?',
  '?*?',
  '**.py',
  'a*b*',
  '[*]*',
  '[?]*',
  '[-a]',
  '[a-]',
  '\\*',
  '*\u0301*',
];

function randomSegment(r: Random): string {
  const roll = r();
  if (roll < 0.4) return pick(r, SEGMENTS);
  const name = pick(r, chance(r, 0.5) ? DIRS : FILES).replace(/\t/g, '');
  const chars = Array.from(name);
  if (roll < 0.75 || chars.length < 2) return name;
  // A fragment of a real name with a wildcard, so that patterns often match something.
  const cut = 1 + Math.floor(r() * (chars.length - 1));
  return chance(r, 0.5)
    ? `${chars.slice(0, cut).join('')}${pick(r, ['*', '?', '[a-z]', '[!x]'])}`
    : `*${chars.slice(cut).join('')}`;
}

/** A pattern built from a real path of the tree, some components turned into wildcards. */
function patternFromTree(r: Random, files: readonly string[]): string {
  const parts = pick(r, files).split('/');
  const kept = chance(r, 0.6) ? parts : parts.slice(0, 1 + Math.floor(r() * parts.length));
  return kept.map((part) => (chance(r, 0.35) ? wildcardOf(r, part) : part)).join('/');
}

function wildcardOf(r: Random, part: string): string {
  const chars = Array.from(part);
  const at = Math.floor(r() * chars.length);
  const swap = pick(r, ['*', '?', `[${chars[at]}]`, `[!${chars[at]}]`, '**', `*${chars.slice(at).join('')}`]);
  return swap.startsWith('*') && swap.length > 2
    ? swap
    : [...chars.slice(0, at), swap, ...chars.slice(at + 1)].join('');
}

function randomPattern(r: Random, files: readonly string[]): string {
  if (chance(r, 0.5)) return decorate(r, patternFromTree(r, files).replace(/\t/g, '?'));
  const parts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomSegment(r));
  return decorate(r, parts.join(chance(r, 0.05) ? '//' : '/'));
}

function decorate(r: Random, bare: string): string {
  let pattern = bare;
  if (chance(r, 0.08)) pattern = `./${pattern}`;
  if (chance(r, 0.1)) pattern += '/';
  // '#' must be escaped to stay in a pattern; sometimes it is not, and starts a comment.
  return chance(r, 0.8) ? pattern.replace(/#/g, '\\#') : pattern;
}

/** Inclusions are weighted up: a template of mostly exclusions lists nothing and tests little. */
const ACTIONS = [
  'include',
  'include',
  'exclude',
  'global-include',
  'global-include',
  'global-exclude',
  'recursive-include',
  'recursive-include',
  'recursive-exclude',
  'graft',
  'graft',
  'prune',
];

function randomLine(r: Random, files: readonly string[]): string {
  const roll = r();
  if (roll < 0.04) return pick(r, ['', '   ', '# a comment', '\t# indented comment']);
  const action =
    roll < 0.08 ? pick(r, ['Include', 'unknown', 'recursive_include', 'graft-dir', '\u00a0include']) : pick(r, ACTIONS);
  const wantsDir = action.startsWith('recursive-');
  let count = action === 'graft' || action === 'prune' ? 1 : 1 + Math.floor(r() * 3);
  if (chance(r, 0.07)) count = chance(r, 0.5) ? 0 : count + 1;
  const words = [
    action,
    ...(wantsDir && count > 0 ? [randomDirArgument(r, files)] : []),
    ...Array.from({ length: count }, () => randomPattern(r, files)),
  ];
  let line = words.join(pick(r, [' ', ' ', '  ', '\t', ' \x0b ']));
  if (chance(r, 0.1)) line = `  ${line}\t `;
  if (chance(r, 0.08)) line += ' # trailing comment';
  if (chance(r, 0.05)) line = splitWithContinuation(r, line);
  return line;
}

function randomDirArgument(r: Random, files: readonly string[]): string {
  return chance(r, 0.7) ? pick(r, DIRS).replace(/#/g, '\\#') : randomPattern(r, files);
}

/** Breaks a line with backslash continuations, between words or inside one. */
function splitWithContinuation(r: Random, line: string): string {
  const chars = Array.from(line);
  const at = 1 + Math.floor(r() * Math.max(1, chars.length - 1));
  const glue = pick(r, ['\\\n', ' \\\n   ', '\\\n# comment inside\n', '\\\n\t']);
  return chars.slice(0, at).join('') + glue + chars.slice(at).join('');
}

/**
 * Whether a line stays inside the tree: a word starting with '/' (a continuation can split
 * "a/b" into "a" and "/b") makes setuptools glob the whole machine. The unit tests cover that.
 */
function staysInside(line: string): boolean {
  return parseManifestTemplate(line).lines.every((l) => !pySplitWords(l.text).some((word) => word.startsWith('/')));
}

function randomTemplate(r: Random, files: readonly string[]): string {
  const lines = Array.from({ length: Math.floor(r() * 11) }, () => randomLine(r, files)).filter(staysInside);
  const newline = pick(r, ['\n', '\n', '\r\n', '\r']);
  const text = lines.join('\n').replace(/\n/g, newline);
  return chance(r, 0.8) ? text + newline : text;
}

interface Case {
  id: number;
  files: string[];
  template: string;
  dir: string;
  templatePath: string;
}

function writeCase(root: string, id: number, files: string[], template: string): Case {
  const dir = join(root, `case-${id}`);
  mkdirSync(dir);
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    if (slash >= 0) mkdirSync(join(dir, file.slice(0, slash)), { recursive: true });
    writeFileSync(join(dir, file), '');
  }
  const templatePath = join(root, `case-${id}.in`);
  writeFileSync(templatePath, template, 'utf8');
  return { id, files, template, dir, templatePath };
}

/** setuptools' messages for a skipped line carry "MANIFEST.in, line N: "; the rest is compared. */
function oracleWarnings(messages: readonly string[]): string[] {
  return messages.map((m) => /, lines? [\d-]+: ([\s\S]*?)\n?$/.exec(m)?.[1] ?? m);
}

function ours(result: ManifestResult): string[] {
  return result.warnings.flatMap((w) => (w.setuptools ? [w.setuptools] : []));
}

const found = findSetuptoolsPython();
// The template is read as that setuptools version reads it; a version crosscheck does not model is not compared.
const dialect = found ? templateDialect(found.version) : undefined;
const python = dialect ? found : undefined;
const stats = {
  cases: 0,
  nonEmpty: 0,
  failures: 0,
  pythonMs: 0,
  oursMs: 0,
  slowest: { ms: 0, id: -1, context: '' },
  pythonTimeouts: [] as number[],
};
afterAll(() => {
  if (process.env.CROSSCHECK_MANIFEST_SHOW_SLOWEST) console.log(stats.slowest.context);
  if (stats.cases > 0)
    console.log(
      `manifest differential: ${stats.cases} cases agree with setuptools ${python?.version} (${stats.nonEmpty} listing files, ${stats.failures} where setuptools stops); setuptools ${Math.round(stats.pythonMs)} ms, crosscheck ${Math.round(stats.oursMs)} ms, slowest case ${stats.slowest.id} ${stats.slowest.ms.toFixed(1)} ms; setuptools over ${PYTHON_SECONDS} s on cases [${stats.pythonTimeouts.join(', ')}]`,
    );
});
/** Thousands of small files: a memory file system when there is one (ten times faster here). */
function scratchParent(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}
const root = mkdtempSync(join(scratchParent(), 'crosscheck-manifest-diff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const title = python
  ? `${python.python}, setuptools ${python.version}`
  : found
    ? `setuptools ${found.version} is not a version crosscheck models: skipped`
    : 'no Python with setuptools: skipped';
describe.skipIf(!python)(`MANIFEST.in against the real setuptools (${title})`, () => {
  const r = prng(SEED);
  const batches: Case[][] = [];
  for (let start = 0; start < CASES; start += BATCH) {
    batches.push(
      Array.from({ length: Math.min(BATCH, CASES - start) }, (_, k) => {
        const files = randomTree(r);
        return { id: start + k, files, template: randomTemplate(r, files), dir: '', templatePath: '' };
      }),
    );
  }

  it.each(batches.map((batch, i) => [i, batch] as const))(
    'batch %i: the same listed paths and warnings as setuptools',
    async (_, batch) => {
      const written = batch.map((c) => writeCase(root, c.id, c.files, c.template));
      const t0 = performance.now();
      const answers: OracleAnswer[] = await setuptoolsFileLists(
        python!.python,
        written.map((c) => ({ dir: c.dir, template: c.templatePath, seconds: PYTHON_SECONDS })),
      );
      stats.pythonMs += performance.now() - t0;
      expect(answers).toHaveLength(written.length);
      let matchedSomething = 0;
      let failures = 0;
      let timeouts = 0;
      written.forEach((c, i) => {
        const answer = answers[i]!;
        const context = `seed ${SEED} case ${c.id}\nfiles: ${JSON.stringify(c.files)}\ntemplate: ${JSON.stringify(c.template)}`;
        const t1 = performance.now();
        const result = applyManifest({ files: c.files, template: c.template, defaults: [], dialect });
        const took = performance.now() - t1;
        stats.oursMs += took;
        if (took > stats.slowest.ms)
          stats.slowest = {
            ms: took,
            id: c.id,
            context: `files: ${JSON.stringify(c.files)}\ntemplate: ${JSON.stringify(c.template)}`,
          };
        if ('timeout' in answer) {
          stats.pythonTimeouts.push(c.id);
          timeouts++;
          if (process.env.CROSSCHECK_MANIFEST_SHOW_TIMEOUTS) console.log(context);
          return;
        }
        if ('error' in answer) {
          // setuptools stopped: crosscheck must say the build fails, and where.
          expect(result.fails, `setuptools raised ${answer.error}\n${context}`).toBeDefined();
          failures++;
          return;
        }
        expect(result.fails, context).toBeUndefined();
        expect(result.unknown, context).toEqual([]);
        const listed = [...new Set(answer.files)].sort();
        expect(result.listed, context).toEqual(listed);
        // Every spelling names a tag file; the sdist holds exactly the files named.
        const tree = new VirtualTree(c.files);
        const named = [...new Set(listed.map((p) => (tree.resolve(p) as { path: string }).path))].sort();
        expect(result.included, context).toEqual(named);
        expect(ours(result), context).toEqual(oracleWarnings(answer.warnings));
        if (listed.length > 0) matchedSomething++;
      });
      // The generator must exercise inclusion, not just produce empty lists.
      expect(matchedSomething).toBeGreaterThan(batch.length * 0.4);
      stats.cases += batch.length - timeouts;
      stats.failures += failures;
      stats.nonEmpty += matchedSomething;
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root, { recursive: true });
    },
    180_000,
  );
});
