import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { valueToJson, type ValueJson } from '../../src/formats/python-values.js';
import { isUnknown, readSetupPy } from '../../src/formats/setup-py.js';
import { mulberry32, SetupPyGenerator } from '../helpers/setup-py-gen.js';
import { ROOT } from '../helpers/paths.js';

/**
 * readSetupPy against CPython: thousands of generated setup.py files (seeded), each read by
 * crosscheck and by tests/oracle/setup_py_oracle.py, which applies the same rules to CPython's
 * `ast` and lets Python compute every value. For every file the call's status must agree, and
 * for every keyword both must give the same value or both call it unknown.
 */
const SEED = 20_260_501;
const PROGRAMS = 4000;
const BATCH = 500;
const MUTANTS = 3000;

interface OracleReading {
  call: 'found' | 'not-found' | 'several' | 'invalid';
  keywords?: Record<string, { value: ValueJson } | { unknown: string }>;
  other?: boolean;
}

function oracle(sources: string[]): Promise<OracleReading[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/usr/bin/python3',
      ['-W', 'ignore', join(ROOT, 'tests', 'oracle', 'setup_py_oracle.py')],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as OracleReading[]),
    );
    child.stdin!.end(JSON.stringify(sources));
  });
}

interface Tally {
  programs: number;
  invalid: number;
  calls: Record<string, number>;
  keywords: number;
  known: number;
  unknown: number;
  mismatches: string[];
}

function compare(source: string, expected: OracleReading, tally: Tally): void {
  tally.programs++;
  if (expected.call === 'invalid') {
    tally.invalid++;
    return;
  }
  const actual = readSetupPy(source);
  tally.calls[expected.call] = (tally.calls[expected.call] ?? 0) + 1;
  if (actual.call.status !== expected.call) {
    tally.mismatches.push(
      `call ${actual.call.status} (${'reason' in actual.call ? actual.call.reason : ''}), CPython ${expected.call}:\n${source}`,
    );
    return;
  }
  if (expected.call !== 'found') return;
  const names = new Set([...actual.keywords.keys(), ...Object.keys(expected.keywords!)]);
  if ((actual.otherKeywords !== null) !== expected.other)
    tally.mismatches.push(`**kwargs seen ${actual.otherKeywords !== null}, CPython ${expected.other}:\n${source}`);
  for (const name of names) {
    tally.keywords++;
    const mine = actual.keywords.get(name);
    const theirs = expected.keywords![name];
    if (!mine || !theirs) {
      tally.mismatches.push(`keyword ${name} only in ${mine ? 'crosscheck' : 'CPython'}:\n${source}`);
      continue;
    }
    if (isUnknown(mine) && 'unknown' in theirs) {
      tally.unknown++;
      continue;
    }
    if (!isUnknown(mine) && 'value' in theirs && isDeepStrictEqual(valueToJson(mine.value), theirs.value)) {
      tally.known++;
      continue;
    }
    const left = isUnknown(mine) ? `unknown (${mine.reason})` : JSON.stringify(valueToJson(mine.value));
    const right = 'unknown' in theirs ? `unknown (${theirs.unknown})` : JSON.stringify(theirs.value);
    tally.mismatches.push(`keyword ${name}: crosscheck ${left}, CPython ${right}:\n${source}`);
  }
}

describe('readSetupPy agrees with CPython', () => {
  it(`on ${PROGRAMS} generated setup.py files (seed ${SEED})`, async () => {
    const generator = new SetupPyGenerator(SEED);
    const tally: Tally = { programs: 0, invalid: 0, calls: {}, keywords: 0, known: 0, unknown: 0, mismatches: [] };
    for (let done = 0; done < PROGRAMS; done += BATCH) {
      const sources = Array.from({ length: Math.min(BATCH, PROGRAMS - done) }, () => generator.program());
      const readings = await oracle(sources);
      sources.forEach((source, n) => compare(source, readings[n]!, tally));
    }
    const { mismatches, ...counts } = tally;
    console.log(JSON.stringify(counts));
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The generator writes valid Python only (the oracle says "invalid" for what CPython refuses).
    expect(tally.invalid).toBe(0);
    // The generator must exercise both outcomes in earnest, and every placement of the call.
    expect(tally.known).toBeGreaterThan(tally.keywords / 4);
    expect(tally.unknown).toBeGreaterThan(tally.keywords / 4);
    expect(Object.keys(tally.calls).sort()).toEqual(['found', 'not-found', 'several']);
  }, 300_000);

  it(`on ${MUTANTS} damaged copies of our Django-like setup.py files, where CPython still parses them`, async () => {
    const dir = join(ROOT, 'tests', 'fixtures-data', 'setup-py');
    const bases = readdirSync(dir)
      .filter((name) => name.endsWith('.setup.py'))
      .map((name) => readFileSync(join(dir, name), 'utf8'));
    const random = mulberry32(SEED + 1);
    // Text that moves token boundaries: quotes, brackets, backslashes, line breaks, prefixes.
    const pieces = [
      '"',
      "'",
      '"""',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '\\',
      '\n',
      '\t',
      ' ',
      ':',
      '=',
      ',',
      '#',
      'f"{',
      '}"',
      '\r',
      '\f',
      'é',
      'lambda',
      'if ',
      'for ',
      '**',
      '*',
      '%',
      '.format(',
      '+',
      ' X ',
      '0',
      '1.5',
      'r',
      'b',
      'u',
      ';',
      '\n    ',
      '\\\n',
    ];
    const sources = Array.from({ length: MUTANTS }, (_, n) => {
      let text = bases[n % bases.length]!;
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * text.length);
        text =
          text.slice(0, at) + pieces[Math.floor(random() * pieces.length)]! + text.slice(at + Math.floor(random() * 3));
      }
      return text;
    });
    const tally: Tally = { programs: 0, invalid: 0, calls: {}, keywords: 0, known: 0, unknown: 0, mismatches: [] };
    const readings = await oracle(sources);
    sources.forEach((source, n) => compare(source, readings[n]!, tally));
    const { mismatches, ...counts } = tally;
    console.log(JSON.stringify(counts));
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(tally.programs - tally.invalid).toBeGreaterThan(MUTANTS / 5);
  }, 300_000);
});
