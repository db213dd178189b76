import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProfile, type Profile } from '../../src/profile/profile.js';
import { tagObjectId, tagSignatureRule } from '../../src/rules/tag.js';
import { parseTagObject } from '../../src/formats/git-tag.js';
import { type Keyring, loadKeyring } from '../../src/profile/keyring.js';
import type { Check } from '../../src/model/check.js';
import { DJANGO_KEYS, REAL } from '../helpers/paths.js';

/**
 * Real history is the judge: every one of Django's 418 release tags (1.4 … 6.0.1), as git stores
 * it, against the pinned keys and the Django profile. tags/INDEX.tsv records what GnuPG says of
 * each; crosscheck must never call a genuine one tampered, and must fail each one altered.
 */
interface IndexRow {
  tag: string;
  object: string;
  commit: string;
  gpg: string;
  note: string;
}

const rows: IndexRow[] = readFileSync(join(REAL, 'tags', 'INDEX.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => {
    const cells = line.split('\t');
    return { tag: cells[0]!, object: cells[1]!, commit: cells[2]!, gpg: cells[8]!, note: cells[9]! };
  });

/** The outcome each class of genuine tag must get: status and reason of git.tag.signature. */
function expectedOutcome(row: IndexRow): string {
  if (row.gpg === 'unsigned') return 'warn TAG_UNSIGNED';
  if (row.gpg.startsWith('no public key')) return 'unverified PGP_KEY_NOT_HELD';
  if (row.note.startsWith('signed after this copy of the key expired')) return 'unverified PGP_KEY_COPY_STALE';
  if (row.note === 'SHA-1 signature') return 'warn PGP_SHA1_HISTORICAL';
  expect(row.gpg).toMatch(/^good [0-9A-F]{40}/);
  return 'pass -';
}

/** When the test runs does not change history: a fixed "now", after every tag. */
const NOW = new Date('2026-12-01T00:00:00Z');

describe('all 418 real Django release tags', () => {
  let keyring: Keyring;
  let profile: Profile;
  const judge = async (name: string, raw: Buffer): Promise<Check> => {
    const tag = parseTagObject(raw, 64 * 1024);
    const trust = {
      keyring,
      version: name,
      now: NOW,
      ...(profile.keysNotHeld ? { keysNotHeld: profile.keysNotHeld } : {}),
    };
    return (
      await tagSignatureRule({
        name,
        objectId: tagObjectId(raw),
        tag,
        trust,
        unsignedTags: profile.git?.unsignedTags ?? [],
      })
    ).check;
  };
  const raw = (row: IndexRow) => readFileSync(join(REAL, 'tags', `${row.tag}.tag`));

  beforeAll(async () => {
    keyring = await loadKeyring(DJANGO_KEYS);
    profile = await loadProfile('django');
  });

  it('has every tag object, each with the id INDEX.tsv gives it', () => {
    expect(rows).toHaveLength(418);
    for (const row of rows) expect(tagObjectId(raw(row))).toBe(row.object);
  });

  it('gives each genuine tag the outcome of its class, and calls none tampered', async () => {
    const outcomes = new Map<string, string[]>();
    for (const row of rows) {
      const check = await judge(row.tag, raw(row));
      const outcome = `${check.status} ${check.reason ?? '-'}`;
      expect(outcome, `${row.tag}: ${check.message}`).toBe(expectedOutcome(row));
      if (check.status === 'unverified') expect(check.remedy, row.tag).toBeTruthy();
      outcomes.set(outcome, [...(outcomes.get(outcome) ?? []), row.tag]);
    }
    const counts = Object.fromEntries([...outcomes].map(([outcome, tags]) => [outcome, tags.length]));
    expect(counts).toEqual({
      'pass -': 232,
      'warn PGP_SHA1_HISTORICAL': 106,
      'unverified PGP_KEY_COPY_STALE': 14,
      'unverified PGP_KEY_NOT_HELD': 60,
      'warn TAG_UNSIGNED': 6,
    });
    // 2.0.6 was signed a month before every self-signature its key now carries; GnuPG accepts it.
    expect(outcomes.get('pass -')).toContain('2.0.6');
  });

  it('fails each of the 418 with one byte of its signed part altered, in the message or in the tagger line', async () => {
    for (const row of rows) {
      const original = raw(row);
      const signatureAt = original.indexOf('-----BEGIN PGP SIGNATURE-----');
      const signedEnd = signatureAt < 0 ? original.length : signatureAt;
      // An unsigned tag may have no message at all (1.11.28): then a byte of its tag line.
      const messageAt =
        original.indexOf('\n\n') + 2 < signedEnd ? original.indexOf('\n\n') + 2 : original.indexOf('\ntag ') + 5;
      const taggerDigit =
        original.indexOf('\ntagger ') + original.subarray(original.indexOf('\ntagger ')).indexOf('> ') + 2;
      for (const at of [messageAt, taggerDigit]) {
        expect(at).toBeLessThan(signedEnd);
        const altered = Buffer.from(original);
        altered[at] =
          altered[at] === 0x31
            ? 0x32
            : altered[at]! >= 0x30 && altered[at]! <= 0x39
              ? 0x31
              : altered[at] === 0x58
                ? 0x59
                : 0x58;
        const check = await judge(row.tag, altered);
        expect(check.status, `${row.tag} altered at ${at}: ${check.message}`).toBe('fail');
      }
    }
  });

  it('fails a signed tag served under the name of a tag the profile pins as unsigned', async () => {
    const signed = rows.find((r) => r.tag === '3.2.25')!;
    const check = await judge('3.2b1', raw(signed));
    expect(check.status).toBe('fail');
    expect(check.reason).toBe('TAG_REWRITTEN');
  });

  it('fails each signed tag with its signature stripped: an unsigned tag the profile does not pin is no evidence of a release manager, and a signer could serve one to skip the key checks', async () => {
    for (const row of rows.filter((r) => r.gpg !== 'unsigned')) {
      const original = raw(row);
      const stripped = original.subarray(0, original.indexOf('-----BEGIN PGP SIGNATURE-----'));
      const check = await judge(row.tag, stripped);
      expect(`${check.status} ${check.reason}`, row.tag).toBe('fail TAG_UNSIGNED');
      expect(check.message).toMatch(/not signed.*does not record/);
    }
  });

  it("fails a signature by a key the profile names outside that person's era", async () => {
    const bennett = rows.find((r) => r.tag === '1.7.1')!;
    const check = await judge('2.0', Buffer.from(raw(bennett).toString('utf8').replace('tag 1.7.1', 'tag 2.0')));
    expect(check.status).toBe('fail');
    expect(check.reason).toBe('PGP_UNPINNED_SIGNER');
  });
});
