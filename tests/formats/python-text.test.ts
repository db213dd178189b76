/**
 * The Python text semantics the requirement parser relies on, checked against Python itself
 * over every code point (where /usr/bin/python3 is there; skipped visibly where not).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPythonWordChar, pythonLower, pythonSplitlines, pythonStrip } from '../../src/formats/python-text.js';
import { ROOT } from '../helpers/paths.js';
import { ORACLE_PYTHON, oracleAvailable } from '../helpers/requirements-oracle.js';

const available = oracleAvailable();

function python(script: string, input = ''): string {
  return execFileSync(ORACLE_PYTHON, ['-c', script], {
    input,
    env: { ...process.env, PYTHONUTF8: '1' },
    maxBuffer: 64 * 1024 * 1024,
  }).toString('utf8');
}

describe.skipIf(!available)('Python text semantics, against Python', () => {
  it('the committed Unicode tables are what the generator prints from this Python', () => {
    const generated = execFileSync(ORACLE_PYTHON, [join(ROOT, 'tests', 'oracle', 'python_unicode_tables.py')]).toString(
      'utf8',
    );
    expect(readFileSync(join(ROOT, 'src', 'formats', 'python-unicode-tables.ts'), 'utf8')).toBe(generated);
  });

  it('str.lower() and `\\w` agree for every code point', () => {
    const script =
      'import json,re\nw=re.compile(r"\\w")\nprint(json.dumps({"lower":{c:chr(c).lower() for c in range(0x110000) if not 0xd800<=c<=0xdfff and chr(c).lower()!=chr(c)},"word":[c for c in range(0x110000) if w.fullmatch(chr(c))]}))';
    const facts = JSON.parse(python(script)) as { lower: Record<string, string>; word: number[] };
    const words = new Set(facts.word);
    const wrong: string[] = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (cp !== 0x3a3 && pythonLower(ch) !== (facts.lower[cp] ?? ch)) wrong.push(`lower U+${cp.toString(16)}`);
      if (isPythonWordChar(cp) !== words.has(cp)) wrong.push(`word U+${cp.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('str.lower() applies the final-sigma rule as Python does', () => {
    const samples = ['Σ', 'ΑΣ', 'ΣΑ', 'Α Σ', 'ΑΣ.', "Α'Σ", 'ΑΣΑ', 'ΑΣ\u0301', 'ΑΣ\u0301Α', 'a-Σ', 'aΣ1', 'ΑΣ ΑΣ'];
    const theirs = JSON.parse(
      python('import json,sys\nprint(json.dumps([s.lower() for s in json.load(sys.stdin)]))', JSON.stringify(samples)),
    ) as string[];
    expect(samples.map(pythonLower)).toEqual(theirs);
  });

  it('str.splitlines() and str.strip() agree', () => {
    const samples = [
      'a\nb\r\nc\rd\ve\ff\x1cg\x1dh\x1ei\x85j\u2028k\u2029l\n',
      '',
      '\n',
      'x\n\n',
      ' \t\u3000x\u2003 \x1c',
      '\x1f\x85\xa0y\u205f',
    ];
    const script = 'import json,sys\nprint(json.dumps([[s.splitlines(), s.strip()] for s in json.load(sys.stdin)]))';
    const theirs = JSON.parse(python(script, JSON.stringify(samples))) as [string[], string][];
    expect(samples.map((s) => [pythonSplitlines(s), pythonStrip(s)])).toEqual(theirs);
  });
});
