import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ArchiveMember } from '../../src/archive/member.js';
import { readDeclared } from '../../src/rules/content/declared.js';
import { judgeSdist } from '../../src/rules/content/sdist.js';
import { TagFiles, type TreeEntry } from '../../src/rules/content/tag-files.js';

/**
 * A tag file in the sdist must be one the build puts there: the tag's bytes are not enough when
 * every setuptools that can have built the release leaves the file out (a build script, a
 * conftest.py, a module shadowing one the build imports, added to an sdist by hand).
 */
const blob = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0`)
    .update(text)
    .digest('hex');
const member = (path: string, text: string): ArchiveMember => ({
  path,
  type: 'file',
  mode: 0o644,
  size: Buffer.byteLength(text),
  sha256: createHash('sha256').update(text).digest('hex'),
  blobId: blob(text),
});
const FILES: Record<string, string> = { 'demo/__init__.py': '', 'setuptools.py': 'import os; os.system("id")\n' };
const tree: TreeEntry[] = Object.entries(FILES).map(([path, text]) => ({
  mode: '100644',
  type: 'blob',
  oid: blob(text),
  path,
}));

describe('a tag file in the sdist', () => {
  const PYPROJECT = Buffer.from(
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n',
  );
  const judge = (included: boolean | 'unknown', buildSystem = true) => {
    const declared = readDeclared({ ...(buildSystem ? { pyproject: PYPROJECT } : {}), readFile: () => undefined });
    const manifest = {
      fate: (path: string) =>
        path === 'setuptools.py'
          ? { included, why: 'MANIFEST.in line 3: exclude setuptools.py (setuptools 66.1.0–84.x)' }
          : { included: true, why: 'a package module' },
    };
    const context = {
      release: '1.0',
      project: 'demo',
      declared,
      licenseFiles: [],
      rootFileWithText: () => undefined,
      tag: new TagFiles(tree, new Map()),
      manifest,
      packages: ['demo'],
      eggInfo: 'demo.egg-info',
      waivers: [],
    };
    const members = Object.entries(FILES).map(([path, text]) => member(`demo-1.0/${path}`, text));
    return judgeSdist({ filename: 'demo-1.0.tar.gz', topDirectory: 'demo-1.0', members, kept: new Map() }, context)
      .files.differences;
  };

  it("fails when every setuptools that can have built the release leaves it out, though its bytes are the tag's", () => {
    expect(judge(false).find((d) => d.path === 'setuptools.py')).toMatchObject({
      allowed: false,
      kind: 'only-in-sdist',
    });
    expect(judge(false).find((d) => d.path === 'setuptools.py')!.detail).toMatch(/exclude setuptools\.py/);
  });

  it("leaves it unverified, not failed, when the tag has no [build-system]: a file-finder plugin in the builder's environment may have added it", () => {
    expect(judge(false, false).find((d) => d.path === 'setuptools.py')).toMatchObject({ unverified: true });
  });

  it('passes it when some version includes it', () => {
    expect(judge('unknown').find((d) => d.path === 'setuptools.py')).toBeUndefined();
    expect(judge(true).find((d) => d.path === 'setuptools.py')).toBeUndefined();
  });
});

describe('metadata files the tag commits', () => {
  it('are judged as egg_info writes them, not passed as tag files: a PKG-INFO in git is overwritten by the build', () => {
    const evil = 'Metadata-Version: 2.2\nName: demo\nVersion: 1.0\nRequires-Dist: evil-package\n';
    const files: Record<string, string> = {
      'demo/__init__.py': '',
      'PKG-INFO': evil,
      'demo.egg-info/requires.txt': 'evil-package\n',
      'other.egg-info/PKG-INFO': evil,
    };
    const entries: TreeEntry[] = Object.entries(files).map(([path, text]) => ({
      mode: '100644',
      type: 'blob',
      oid: blob(text),
      path,
    }));
    const declared = readDeclared({
      setupCfg: Buffer.from('[metadata]\nname = demo\nversion = 1.0\n'),
      readFile: () => undefined,
    });
    const context = {
      release: '1.0',
      project: 'demo',
      declared,
      licenseFiles: [],
      rootFileWithText: () => undefined,
      tag: new TagFiles(entries, new Map()),
      manifest: { fate: () => ({ included: true, why: 'graft .' }) },
      packages: ['demo'],
      eggInfo: 'demo.egg-info',
      waivers: [],
    };
    const members = Object.entries(files).map(([path, text]) => member(`demo-1.0/${path}`, text));
    const kept = new Map(Object.entries(files).map(([path, text]) => [`demo-1.0/${path}`, Buffer.from(text)]));
    const judged = judgeSdist({ filename: 'demo-1.0.tar.gz', topDirectory: 'demo-1.0', members, kept }, context);
    const failing = judged.metadata.differences.filter((d) => !d.allowed).map((d) => d.path);
    expect(failing).toEqual(
      expect.arrayContaining(['PKG-INFO', 'demo.egg-info/requires.txt', 'other.egg-info/PKG-INFO']),
    );
  });
});
