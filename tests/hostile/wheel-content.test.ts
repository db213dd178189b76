import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../fixtures/archive/zip-writer.js';
import { Readable } from 'node:stream';
import { djangoRelease } from '../../fixtures/release/django-history.js';
import { recordLine } from '../../fixtures/release/packaging.js';
import { buildWithSetuptools } from '../../fixtures/release/setuptools-build.js';
import { buildSourceTree } from '../../fixtures/release/source-tree.js';
import type { ArchiveListing, ArchiveMember } from '../../src/archive/member.js';
import { readSdist } from '../../src/archive/sdist.js';
import { readWheel } from '../../src/archive/wheel.js';
import { compareMetadata } from '../../src/compare/metadata.js';
import { Policy } from '../../src/compare/policy.js';
import { checkRecord } from '../../src/compare/wheel-record.js';
import { compareWheelWithSource, type SourceFile } from '../../src/compare/wheel-vs-sdist.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { loadProfile, type Profile } from '../../src/profile/profile.js';

const VERSION = '5.2.16';
const DIST_INFO = `django-${VERSION}.dist-info`;
const release = djangoRelease(VERSION);
const tree = buildSourceTree(release, 'tiny', 7);
let genuine: Map<string, Buffer>;
/** The sdist's PKG-INFO, as the same real setuptools build wrote it. */
let pkgInfo: Buffer;
let profile: Profile;
let dir: string;

/** Reads a wheel made of these members (in order) through crosscheck's real reader. */
async function read(members: Map<string, Buffer>): Promise<ArchiveListing> {
  const path = join(dir, `w${Math.random().toString(36).slice(2)}.whl`);
  await writeFile(path, writeZip([...members].map(([name, content]) => ({ name, content }))));
  return readWheel(path, { ...DEFAULT_LIMITS }, () => true);
}

const recordOf = (members: Map<string, Buffer>) => `${[...members].filter(([n]) => n !== `${DIST_INFO}/RECORD`).map(([n, c]) => recordLine(n, c)).join('\n')}\n${DIST_INFO}/RECORD,,\n`;
const withRecord = (members: Map<string, Buffer>, record?: string) => new Map([...members].filter(([n]) => n !== `${DIST_INFO}/RECORD`).concat([[`${DIST_INFO}/RECORD`, Buffer.from(record ?? recordOf(members))]]));
const recordFailures = async (members: Map<string, Buffer>) => {
  const listing = await read(members);
  return checkRecord(DIST_INFO, listing.kept.get(`${DIST_INFO}/RECORD`)!.toString(), listing.members).map((d) => `${d.path}: ${d.detail}`);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crosscheck-wheels-'));
  profile = await loadProfile('django');
  const built = await buildWithSetuptools(tree, { toolchain: release.toolchain, sourceDateEpoch: 1_780_000_000, wheel: true });
  await writeFile(join(dir, 'genuine.whl'), built.wheel!.bytes);
  genuine = (await readWheel(join(dir, 'genuine.whl'), { ...DEFAULT_LIMITS }, () => true)).kept;
  pkgInfo = (await readSdist(Readable.from([built.sdist.bytes]), { ...DEFAULT_LIMITS }, (path) => path === `django-${VERSION}/PKG-INFO`)).kept.get(`django-${VERSION}/PKG-INFO`)!;
});

describe('RECORD (threat catalog R-01 … R-04)', () => {
  it('accepts the genuine RECORD, and a quoted path with a comma', async () => {
    expect(await recordFailures(genuine)).toEqual([]);
    const withComma = new Map(genuine).set('django/a,b.py', Buffer.from('x = 1\n'));
    expect(await recordFailures(withRecord(withComma))).toEqual([]);
    expect(recordOf(withComma)).toContain('"django/a,b.py",sha256=');
  });

  it.each([
    ['standard base64 with padding', (line: string) => line.replace(/sha256=([A-Za-z0-9_-]{43})/, (_, h: string) => `sha256=${Buffer.from(h, 'base64url').toString('base64')}`)],
    ['an md5 hash', (line: string) => line.replace(/sha256=[A-Za-z0-9_-]{43}/, 'md5=1B2M2Y8AsgTpgAmY7PhCfg')],
    ['an empty hash', (line: string) => line.replace(/sha256=[A-Za-z0-9_-]{43}/, 'sha256=')],
    ['junk inside the hash', (line: string) => line.replace(/sha256=([A-Za-z0-9_-]{20})/, 'sha256=$1!!')],
  ])('rejects %s (R-01)', async (_, edit) => {
    const record = recordOf(genuine).split('\n').map((line) => (line.startsWith('django/__init__.py,') ? edit(line) : line)).join('\n');
    expect(await recordFailures(withRecord(genuine, record))).toEqual([expect.stringMatching(/^django\/__init__\.py: /)]);
  });

  it('rejects a changed file with RECORD left as it was (R-02)', async () => {
    const record = recordOf(genuine);
    const changed = new Map(genuine).set('django/utils/html.py', Buffer.concat([genuine.get('django/utils/html.py')!, Buffer.from('#')]));
    expect(await recordFailures(withRecord(changed, record))).toEqual([expect.stringMatching(/^django\/utils\/html\.py: RECORD says sha256=/)]);
  });

  it('rejects a file missing from RECORD and a RECORD row without a file (R-03)', async () => {
    const record = recordOf(genuine);
    const extra = new Map(genuine).set('evil.pth', Buffer.from('import os\n'));
    expect(await recordFailures(withRecord(extra, record))).toEqual([expect.stringMatching(/^evil\.pth: in the wheel but not listed in RECORD/)]);
    const missing = new Map(genuine);
    missing.delete('django/utils/html.py');
    expect(await recordFailures(withRecord(missing, record))).toEqual([expect.stringMatching(/^django\/utils\/html\.py: listed in RECORD but not in the wheel/)]);
  });

  it.each([
    ['CRLF line ends', (r: string) => r.replace(/\n/g, '\r\n')],
    ['a byte-order mark', (r: string) => `\ufeff${r}`],
    ['a duplicate row', (r: string) => `${r.split('\n')[0]}\n${r}`],
    ['no newline after the last row', (r: string) => r.replace(/\n$/, '')],
    ['a fourth column', (r: string) => r.replace(/^(django\/__init__\.py,[^\n]*)/m, '$1,extra')],
  ])('rejects a RECORD with %s (R-04)', async (_, edit) => {
    const failures = await recordFailures(withRecord(genuine, edit(recordOf(genuine))));
    expect(failures).toEqual([expect.stringMatching(/RECORD is malformed/)]);
  });

  it('rejects a path spelled differently from the member (R-04)', async () => {
    const record = recordOf(genuine).replace('django/utils/html.py,', './django/utils/html.py,');
    expect((await recordFailures(withRecord(genuine, record))).sort()).toEqual([expect.stringMatching(/^\.\/django\/utils\/html\.py: listed in RECORD but not in the wheel/), expect.stringMatching(/^django\/utils\/html\.py: in the wheel but not listed/)]);
  });
});

describe('wheel against sdist (R-06)', () => {
  const compare = (wheel: ArchiveMember[], source: Map<string, SourceFile>) =>
    compareWheelWithSource({ wheel, source, sourceLabel: 'sdist', sourceContent: new Map(), policy: new Policy(profile.comparison.wheelVsSdist, [], VERSION), check: 'content.wheel-vs-sdist' }).differences;
  const member = (sha256: string, blobId: string): ArchiveMember => ({ path: 'django/__init__.py', type: 'file', mode: 0o644, size: 10, sha256, blobId });

  it('compares by SHA-256 where the sdist gives it: a file with the same git blob id and other bytes (a SHA-1 collision) differs', () => {
    const differences = compare([member('a'.repeat(64), 'b'.repeat(40))], new Map([['django/__init__.py', { blobId: 'b'.repeat(40), sha256: 'c'.repeat(64) }]]));
    expect(differences).toMatchObject([{ path: 'django/__init__.py', kind: 'content', allowed: false, digests: { wheel: 'a'.repeat(64), sdist: 'c'.repeat(64) }, detail: `wheel SHA-256 ${'a'.repeat(64)}, sdist SHA-256 ${'c'.repeat(64)}` }]);
    expect(compare([member('c'.repeat(64), 'b'.repeat(40))], new Map([['django/__init__.py', { blobId: 'b'.repeat(40), sha256: 'c'.repeat(64) }]]))).toEqual([]);
  });

  it('compares by git blob id against a tag, which gives no other digest', () => {
    expect(compare([member('a'.repeat(64), 'b'.repeat(40))], new Map([['django/__init__.py', { blobId: 'b'.repeat(40) }]]))).toEqual([]);
    expect(compare([member('a'.repeat(64), 'b'.repeat(40))], new Map([['django/__init__.py', { blobId: 'd'.repeat(40) }]]))).toMatchObject([{ kind: 'content', allowed: false }]);
  });
});

describe('dist-info and metadata (R-05)', () => {
  const compare = (changes: Record<string, Buffer>) =>
    compareMetadata({ distInfo: DIST_INFO, project: 'Django', version: VERSION, metadata: changes.metadata ?? genuine.get(`${DIST_INFO}/METADATA`)!, pkgInfo, wheelFile: genuine.get(`${DIST_INFO}/WHEEL`)!, wheelEntryPoints: changes.entryPoints ?? genuine.get(`${DIST_INFO}/entry_points.txt`)!, sdistEntryPoints: genuine.get(`${DIST_INFO}/entry_points.txt`)! });

  it('accepts METADATA that agrees with PKG-INFO', () => expect(compare({})).toEqual([]));

  it('rejects one extra Requires-Dist, a changed Requires-Python, another version', () => {
    const metadata = genuine.get(`${DIST_INFO}/METADATA`)!.toString();
    // The detail names what differs, not the whole list.
    expect(compare({ metadata: Buffer.from(metadata.replace('Requires-Dist: sqlparse', 'Requires-Dist: evil-package\nRequires-Dist: sqlparse')) }).map((d) => d.detail)).toEqual(['requires-dist: only in METADATA ["evil-package"], only in PKG-INFO []']);
    expect(compare({ metadata: Buffer.from(metadata.replace('Requires-Python: >=3.10', 'Requires-Python: >=2.7')) }).map((d) => d.detail)).toEqual(['requires-python: only in METADATA [">=2.7"], only in PKG-INFO [">=3.10"]']);
    const sqlparse = /^Requires-Dist: sqlparse.*\n/m.exec(metadata)![0];
    const requirements = metadata.match(/^Requires-Dist: /gm)!.length;
    expect(compare({ metadata: Buffer.from(metadata.replace(sqlparse, sqlparse + sqlparse)) }).map((d) => d.detail)).toEqual([`requires-dist: the same values, listed ${requirements + 1} times in METADATA and ${requirements} in PKG-INFO`]);
    expect(compare({ metadata: Buffer.from(metadata.replace(`Version: ${VERSION}`, 'Version: 9.9.9')) }).map((d) => d.detail)).toContain('Version is "9.9.9", not 5.2.16');
  });

  it('rejects an entry point added only to the wheel', () => {
    const entryPoints = Buffer.concat([genuine.get(`${DIST_INFO}/entry_points.txt`)!, Buffer.from('evil = os:system\n')]);
    expect(compare({ entryPoints }).map((d) => d.path)).toEqual([`${DIST_INFO}/entry_points.txt`]);
  });

  it('rejects a .pth file and a .data/purelib file the sdist does not have', async () => {
    const listing = await read(withRecord(new Map(genuine).set('zzz-evil.pth', Buffer.from('import os\n')).set(`django-${VERSION}.data/purelib/evil.py`, Buffer.from('x\n'))));
    const source = new Map<string, SourceFile>(listing.members.filter((m) => m.path.startsWith('django/')).map((m) => [m.path, { blobId: m.blobId }]));
    const { differences } = compareWheelWithSource({ wheel: listing.members, source, sourceLabel: 'sdist', sourceContent: new Map(), policy: new Policy(profile.comparison.wheelVsSdist, [], VERSION), check: 'content.wheel-vs-sdist' });
    expect(differences.filter((d) => !d.allowed).map((d) => d.path).sort()).toEqual([`django-${VERSION}.data/purelib/evil.py`, 'zzz-evil.pth']);
  });
});
