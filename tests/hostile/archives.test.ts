import { mkdtemp, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSdist } from '../../src/formats/archive/sdist.js';
import { readWheel } from '../../src/formats/archive/wheel.js';
import { CrosscheckError } from '../../src/model/errors.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { SECOND_PARSER } from '../../fixtures/archive/second-parser.js';
import type { ListedMember } from '../../fixtures/archive/tar-stream-listing.js';
import { asOracle, type OracleResult, pythonListings, sortMembers } from '../helpers/oracle.js';
import { type ArchiveCase, TAR_CASES } from './tar-corpus.js';
import { ZIP_CASES } from './zip-corpus.js';

interface Outcome {
  reason: string;
  listing?: ReturnType<typeof asOracle>;
  python: OracleResult;
  /** The second parser's listing (tar-stream for an sdist, yauzl for a wheel), or why it failed. */
  second?: ListedMember[] | string;
}

/**
 * Every archive of the hostile corpus through crosscheck's readers and through CPython's
 * tarfile/zipfile (the differential oracle): crosscheck must give the expected answer, and an
 * archive it accepts must list exactly what CPython lists.
 */
async function runCorpus(kind: 'sdist' | 'wheel', cases: ArchiveCase[]): Promise<Map<string, Outcome>> {
  const dir = await mkdtemp(join(tmpdir(), `crosscheck-hostile-${kind}-`));
  const paths = await Promise.all(
    cases.map(async (c, i) => {
      const path = join(dir, `case${i}.${kind === 'sdist' ? 'tar.gz' : 'whl'}`);
      await writeFile(path, c.bytes());
      return path;
    }),
  );
  const python = await pythonListings(paths);
  const outcomes = new Map<string, Outcome>();
  for (const [i, c] of cases.entries()) {
    const limits = { ...DEFAULT_LIMITS, ...(c.limits ?? {}) };
    try {
      const listing =
        kind === 'sdist' ? await readSdist(Readable.from([c.bytes()]), limits) : await readWheel(paths[i]!, limits);
      const second = await SECOND_PARSER[kind].list(c.bytes()).catch((error: Error) => error.message);
      outcomes.set(c.id, { reason: 'accept', listing: asOracle(listing.members), python: python[i]!, second });
    } catch (error) {
      if (!(error instanceof CrosscheckError))
        throw new Error(`${c.id}: untyped error ${String(error)}`, { cause: error });
      outcomes.set(c.id, { reason: error.reason, python: python[i]! });
    }
  }
  return outcomes;
}

describe.each([
  ['sdist', TAR_CASES],
  ['wheel', ZIP_CASES],
] as const)('hostile %s corpus', (kind, cases) => {
  let outcomes: Map<string, Outcome>;
  beforeAll(async () => {
    outcomes = await runCorpus(kind, cases);
  }, 120_000);

  it.each(cases.map((c) => [`${c.catalog}: ${c.id} → ${c.expect}`, c] as const))('%s', (_, c) => {
    const outcome = outcomes.get(c.id)!;
    expect(outcome.reason).toBe(c.expect);
  });

  it('agrees with CPython on every archive it accepts (differential oracle)', () => {
    for (const c of cases) {
      const outcome = outcomes.get(c.id)!;
      if (outcome.reason !== 'accept') continue;
      expect(
        outcome.python.ok,
        `${c.id}: CPython refuses what crosscheck accepts: ${JSON.stringify(outcome.python)}`,
      ).toBe(true);
      if (outcome.python.ok) expect(outcome.listing, c.id).toEqual(sortMembers(outcome.python.members));
    }
  });

  it(`agrees with ${SECOND_PARSER[kind].name}, a second independent parser, on every ${kind} it accepts`, () => {
    const accepted = cases.filter((c) => outcomes.get(c.id)!.reason === 'accept');
    expect(accepted.length).toBeGreaterThan(0);
    for (const c of accepted) {
      const { listing, second } = outcomes.get(c.id)!;
      expect(second, c.id).toEqual(listing);
    }
  });
});
