import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../fixtures/archive/zip-writer.js';
import type { ArchiveListing } from '../../src/formats/archive/member.js';
import { readWheel } from '../../src/formats/archive/wheel.js';
import { checkRecord } from '../../src/rules/content/wheel-record.js';
import { judgeCoreMetadata } from '../../src/rules/content/core-metadata.js';
import { readDeclared } from '../../src/rules/content/declared.js';
import { judgeWheel, type WheelReference } from '../../src/rules/content/wheel.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';

const VERSION = '5.2.16';
const DIST_INFO = `django-${VERSION}.dist-info`;
const PYPROJECT = `[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "Django"
dynamic = ["version"]
requires-python = ">= 3.10"
dependencies = ["asgiref>=3.8.1", "sqlparse>=0.3.1"]
description = "A web framework."
readme = "README.rst"
license = "BSD-3-Clause"
license-files = ["LICENSE"]

[project.scripts]
django-admin = "django.core.management:execute_from_command_line"

[tool.setuptools.packages.find]
include = ["django*"]
`;
const README = 'Django\n======\n';
const METADATA = `Metadata-Version: 2.4
Name: Django
Version: ${VERSION}
Summary: A web framework.
License-Expression: BSD-3-Clause
Requires-Python: >=3.10
Description-Content-Type: text/x-rst
License-File: LICENSE
Requires-Dist: asgiref>=3.8.1
Requires-Dist: sqlparse>=0.3.1
Dynamic: license-file

${README}`;
/** The members of a small wheel as setuptools 78 lays it out, RECORD apart. */
const FILES: [string, string][] = [
  ['django/__init__.py', 'VERSION = (5, 2, 16)\n'],
  ['django/utils/html.py', 'def escape(text):\n    return text\n'],
  ['django/core/management/__init__.py', 'def execute_from_command_line():\n    pass\n'],
  [`${DIST_INFO}/METADATA`, METADATA],
  [
    `${DIST_INFO}/WHEEL`,
    'Wheel-Version: 1.0\nGenerator: setuptools (78.1.1)\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n',
  ],
  [
    `${DIST_INFO}/entry_points.txt`,
    '[console_scripts]\ndjango-admin = django.core.management:execute_from_command_line\n',
  ],
  [`${DIST_INFO}/top_level.txt`, 'django\n'],
  [`${DIST_INFO}/licenses/LICENSE`, 'Copyright (c) Django Software Foundation.\n'],
];
let genuine: Map<string, Buffer>;
let dir: string;

const recordLine = (path: string, content: Buffer) =>
  `${/[",\n]/.test(path) ? `"${path.replace(/"/g, '""')}"` : path},sha256=${createHash('sha256').update(content).digest('base64url')},${content.length}`;

/** Reads a wheel made of these members (in order) through crosscheck's real reader. */
async function read(members: Map<string, Buffer>): Promise<ArchiveListing> {
  const path = join(dir, `w${Math.random().toString(36).slice(2)}.whl`);
  await writeFile(path, writeZip([...members].map(([name, content]) => ({ name, content }))));
  return readWheel(path, { ...DEFAULT_LIMITS }, () => true);
}

const recordOf = (members: Map<string, Buffer>) =>
  `${[...members]
    .filter(([n]) => n !== `${DIST_INFO}/RECORD`)
    .map(([n, c]) => recordLine(n, c))
    .join('\n')}\n${DIST_INFO}/RECORD,,\n`;
const withRecord = (members: Map<string, Buffer>, record?: string) =>
  new Map(
    [...members]
      .filter(([n]) => n !== `${DIST_INFO}/RECORD`)
      .concat([[`${DIST_INFO}/RECORD`, Buffer.from(record ?? recordOf(members))]]),
  );
const recordFailures = async (members: Map<string, Buffer>) => {
  const listing = await read(members);
  return checkRecord(DIST_INFO, listing.kept.get(`${DIST_INFO}/RECORD`)!.toString(), listing.members).map(
    (d) => `${d.path}: ${d.detail}`,
  );
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crosscheck-wheels-'));
  genuine = withRecord(new Map(FILES.map(([name, text]) => [name, Buffer.from(text)])));
});

describe('RECORD (threat catalog R-01 … R-04)', () => {
  it('accepts the genuine RECORD, and a quoted path with a comma', async () => {
    expect(await recordFailures(genuine)).toEqual([]);
    const withComma = new Map(genuine).set('django/a,b.py', Buffer.from('x = 1\n'));
    expect(await recordFailures(withRecord(withComma))).toEqual([]);
    expect(recordOf(withComma)).toContain('"django/a,b.py",sha256=');
  });

  it.each([
    [
      'standard base64 with padding',
      (line: string) =>
        line.replace(
          /sha256=([A-Za-z0-9_-]{43})/,
          (_, h: string) => `sha256=${Buffer.from(h, 'base64url').toString('base64')}`,
        ),
    ],
    ['an md5 hash', (line: string) => line.replace(/sha256=[A-Za-z0-9_-]{43}/, 'md5=1B2M2Y8AsgTpgAmY7PhCfg')],
    ['an empty hash', (line: string) => line.replace(/sha256=[A-Za-z0-9_-]{43}/, 'sha256=')],
    ['junk inside the hash', (line: string) => line.replace(/sha256=([A-Za-z0-9_-]{20})/, 'sha256=$1!!')],
  ])('rejects %s (R-01)', async (_, edit) => {
    const record = recordOf(genuine)
      .split('\n')
      .map((line) => (line.startsWith('django/__init__.py,') ? edit(line) : line))
      .join('\n');
    expect(await recordFailures(withRecord(genuine, record))).toEqual([
      expect.stringMatching(/^django\/__init__\.py: /),
    ]);
  });

  it('rejects a changed file with RECORD left as it was (R-02)', async () => {
    const record = recordOf(genuine);
    const changed = new Map(genuine).set(
      'django/utils/html.py',
      Buffer.concat([genuine.get('django/utils/html.py')!, Buffer.from('#')]),
    );
    expect(await recordFailures(withRecord(changed, record))).toEqual([
      expect.stringMatching(/^django\/utils\/html\.py: RECORD says sha256=/),
    ]);
  });

  it('rejects a file missing from RECORD and a RECORD row without a file (R-03)', async () => {
    const record = recordOf(genuine);
    const extra = new Map(genuine).set('evil.pth', Buffer.from('import os\n'));
    expect(await recordFailures(withRecord(extra, record))).toEqual([
      expect.stringMatching(/^evil\.pth: in the wheel but not listed in RECORD/),
    ]);
    const missing = new Map(genuine);
    missing.delete('django/utils/html.py');
    expect(await recordFailures(withRecord(missing, record))).toEqual([
      expect.stringMatching(/^django\/utils\/html\.py: listed in RECORD but not in the wheel/),
    ]);
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
    expect((await recordFailures(withRecord(genuine, record))).sort()).toEqual([
      expect.stringMatching(/^\.\/django\/utils\/html\.py: listed in RECORD but not in the wheel/),
      expect.stringMatching(/^django\/utils\/html\.py: in the wheel but not listed/),
    ]);
  });
});

/** The sdist the small wheel is built from: its files by relative path, as judgeWheel is given them. */
function sdistOf(files: Map<string, Buffer>): WheelReference {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const blob = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
  return {
    label: 'sdist',
    files: new Map([...files].map(([p, b]) => [p, { sha256: sha(b), blobId: blob(b) }])),
    read: (p) => files.get(p),
  };
}
const SDIST_FILES = new Map<string, Buffer>([
  ...FILES.filter(([n]) => n.startsWith('django/')).map(([n, t]) => [n, Buffer.from(t)] as [string, Buffer]),
  ['pyproject.toml', Buffer.from(PYPROJECT)],
  ['README.rst', Buffer.from(README)],
  ['LICENSE', Buffer.from('Copyright (c) Django Software Foundation.\n')],
]);
const declared = () => readDeclared({ pyproject: Buffer.from(PYPROJECT), readFile: (p) => SDIST_FILES.get(p) });
const context = () => ({
  release: VERSION,
  project: 'Django',
  declared: declared(),
  licenseFiles: ['LICENSE'],
  rootFileWithText: () => undefined,
  packages: ['django', 'django.core', 'django.core.management', 'django.utils'],
});
const judge = async (members: Map<string, Buffer>, sdist = SDIST_FILES) => {
  const listing = await read(members);
  return judgeWheel(
    { filename: `django-${VERSION}-py3-none-any.whl`, members: listing.members, kept: listing.kept },
    sdistOf(sdist),
    context(),
  );
};
const failing = (findings: { differences: { allowed: boolean; unverified?: boolean; path: string }[] }) =>
  findings.differences
    .filter((d) => !d.allowed && !d.unverified)
    .map((d) => d.path)
    .sort();

describe('wheel against sdist (R-06)', () => {
  it('accepts the genuine wheel: every file identical or recomputed', async () => {
    const judged = await judge(genuine);
    expect([failing(judged.files), failing(judged.record), failing(judged.metadata)]).toEqual([[], [], []]);
    expect(judged.files.identical).toBe(3);
  });

  it('compares by SHA-256 where the sdist gives it: other bytes under one git blob id (a SHA-1 collision) differ', async () => {
    const listing = await read(genuine);
    const reference = sdistOf(SDIST_FILES);
    const forged = new Map(reference.files);
    forged.set('django/utils/html.py', { ...forged.get('django/utils/html.py')!, sha256: 'c'.repeat(64) });
    const judged = judgeWheel(
      { filename: `django-${VERSION}-py3-none-any.whl`, members: listing.members, kept: listing.kept },
      { ...reference, files: forged },
      context(),
    );
    expect(judged.files.differences).toMatchObject([
      { path: 'django/utils/html.py', kind: 'content', allowed: false, digests: { sdist: 'c'.repeat(64) } },
    ]);
  });

  it('compares by git blob id against a tag, which gives no other digest', async () => {
    const listing = await read(genuine);
    const reference = sdistOf(SDIST_FILES);
    const byBlob = new Map([...reference.files].map(([p, f]) => [p, { blobId: f.blobId }]));
    const judged = judgeWheel(
      { filename: `django-${VERSION}-py3-none-any.whl`, members: listing.members, kept: listing.kept },
      { label: 'git', files: byBlob, read: reference.read },
      context(),
    );
    expect(failing(judged.files)).toEqual([]);
    byBlob.set('django/utils/html.py', { blobId: 'd'.repeat(40) });
    expect(
      failing(
        judgeWheel(
          { filename: `django-${VERSION}-py3-none-any.whl`, members: listing.members, kept: listing.kept },
          { label: 'git', files: byBlob, read: reference.read },
          context(),
        ).files,
      ),
    ).toEqual(['django/utils/html.py']);
  });

  it('rejects a .pth file and a .data/purelib file, and a file of the sdist left out', async () => {
    const poisoned = new Map(genuine)
      .set('zzz-evil.pth', Buffer.from('import os\n'))
      .set(`django-${VERSION}.data/purelib/evil.py`, Buffer.from('x\n'));
    poisoned.delete('django/utils/html.py');
    expect(failing((await judge(withRecord(poisoned))).files)).toEqual([
      `django-${VERSION}.data/purelib/evil.py`,
      'django/utils/html.py',
      'zzz-evil.pth',
    ]);
  });
});

describe('dist-info and metadata (R-05)', () => {
  const metadataMismatches = (metadata: string) =>
    judgeCoreMetadata(Buffer.from(metadata), { ...context(), wheel: true }).mismatches;

  it('accepts METADATA that says what the tag declares', () => expect(metadataMismatches(METADATA)).toEqual([]));

  it('rejects one extra Requires-Dist, a changed Requires-Python, another version, each named', () => {
    expect(
      metadataMismatches(
        METADATA.replace('Requires-Dist: sqlparse', 'Requires-Dist: evil-package\nRequires-Dist: sqlparse'),
      ),
    ).toEqual([
      expect.stringMatching(
        /^Requires-Dist: \["evil-package"\] — not declared by the tag \(pyproject\.toml \[project\] dependencies\)/,
      ),
    ]);
    expect(metadataMismatches(METADATA.replace('Requires-Python: >=3.10', 'Requires-Python: >=2.7'))).toEqual([
      expect.stringMatching(/^Requires-Python: \[">=2\.7"\]; the tag declares ">= 3\.10"/),
    ]);
    expect(metadataMismatches(METADATA.replace(`Version: ${VERSION}`, 'Version: 9.9.9'))).toEqual([
      expect.stringMatching(/^Version: "9\.9\.9"; the tag declares "5\.2\.16"/),
    ]);
  });

  it('rejects an entry point added only to the wheel', async () => {
    const poisoned = new Map(genuine).set(
      `${DIST_INFO}/entry_points.txt`,
      Buffer.from(
        '[console_scripts]\ndjango-admin = django.core.management:execute_from_command_line\nevil = os:system\n',
      ),
    );
    expect(failing((await judge(withRecord(poisoned))).metadata)).toEqual([`${DIST_INFO}/entry_points.txt`]);
  });
});
