import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueToJson, type ValueJson } from '../../src/formats/python-values.js';
import { declaredKeyword, isUnknown, readSetupPy } from '../../src/formats/setup-py.js';
import { ROOT } from '../helpers/paths.js';

/**
 * Facts from Django's history (fixtures/setup-py/history.ts, run against a clone; not in CI):
 * for a few representative release tags, what the tag's setup.py really passes to setup() when
 * run, kept where readSetupPy read it exactly, and which keywords it rightly left unknown. The
 * setup.py files here are our own equivalents of those tags' files (same constructs, same literal
 * metadata; history.ts checks that each passes setup() exactly what the real one passes).
 */
const DIR = join(ROOT, 'tests', 'fixtures-data', 'setup-py');

interface Facts {
  tag: string;
  keywords: Record<string, { value: ValueJson } | { unknown: true } | { absent: true }>;
}

const isFinder = (value: ValueJson) =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  JSON.stringify(value).includes('"__finder__"');

const tags = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length));

describe("readSetupPy on equivalents of Django's setup.py at representative tags", () => {
  it('has the representative tags', () => {
    expect(tags.length).toBeGreaterThanOrEqual(6);
  });

  for (const tag of tags) {
    it(tag, () => {
      const facts = JSON.parse(readFileSync(join(DIR, `${tag}.json`), 'utf8')) as Facts;
      const declaration = readSetupPy(readFileSync(join(DIR, `${tag}.setup.py`), 'utf8'));
      expect(declaration.call.status).toBe('found');
      for (const [keyword, fact] of Object.entries(facts.keywords)) {
        const entry = declaredKeyword(declaration, keyword);
        if ('absent' in fact) expect(entry, keyword).toBeUndefined();
        // packages=find_packages(...) is read as the search to run over the tag's files (rules/content/packages.ts), not as its result.
        else if ('unknown' in fact)
          expect(
            entry && (isUnknown(entry) || (keyword === 'packages' && isFinder(valueToJson(entry.value)))),
            keyword,
          ).toBe(true);
        else expect(entry && !isUnknown(entry) ? valueToJson(entry.value) : entry, keyword).toEqual(fact.value);
      }
      const stated = new Set(
        Object.entries(facts.keywords)
          .filter(([, f]) => !('absent' in f))
          .map(([k]) => k),
      );
      expect(new Set(declaration.keywords.keys())).toEqual(stated);
    });
  }
});
