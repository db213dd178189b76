import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readDeclared } from '../../src/rules/content/declared.js';
import { sdistFileFates } from '../../src/rules/content/manifest-fates.js';
import { TagFiles, type TreeEntry } from '../../src/rules/content/tag-files.js';

const blobId = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/** A tag of `files` (path → text), judged as a release tagged on `tagged`. */
function fatesOf(files: Record<string, string>, tagged: string) {
  const blobs = new Map<string, Buffer>();
  const entries: TreeEntry[] = Object.entries(files).map(([path, text]) => {
    const bytes = Buffer.from(text);
    blobs.set(blobId(bytes), bytes);
    return { mode: '100644', type: 'blob', oid: blobId(bytes), path };
  });
  const tag = new TagFiles(entries, blobs);
  const read = (path: string) => tag.read(path);
  const declared = readDeclared({
    ...(files['pyproject.toml'] ? { pyproject: Buffer.from(files['pyproject.toml']) } : {}),
    ...(files['setup.cfg'] ? { setupCfg: Buffer.from(files['setup.cfg']) } : {}),
    readFile: read,
  });
  const fates = sdistFileFates(tag, declared, {
    release: '1.0',
    name: 'demo',
    taggedAt: Date.parse(`${tagged}T12:00:00Z`) / 1000,
    packages: ['demo'],
    referencedFiles: [],
    read,
  });
  if ('unknown' in fates) throw new Error(fates.unknown);
  return fates;
}

const PACKAGE = { 'demo/__init__.py': '', 'demo/core.py': 'x = 1\n' };

describe('which tag files setuptools puts in the sdist, over the versions that can have built it', () => {
  it('includes a package module in every version, and leaves out a file nothing names, whatever the era', () => {
    for (const tagged of ['2016-06-01', '2021-06-01', '2025-06-01']) {
      const fates = fatesOf({ ...PACKAGE, 'setup.cfg': '[metadata]\nname = demo\n', '.gitignore': '*.pyc\n' }, tagged);
      expect(fates.fate('.gitignore'), tagged).toMatchObject({ included: false });
      // Before 2018 a setuptools older than the model may have built it: what it includes is not certain.
      expect(fates.fate('demo/core.py').included, tagged).toBe(tagged === '2016-06-01' ? 'unknown' : true);
    }
  });

  it('names the versions on each side when they disagree (README.md is a default from 36.4)', () => {
    const fates = fatesOf({ ...PACKAGE, 'README.md': '# demo\n' }, '2018-06-01');
    const fate = fates.fate('README.md');
    expect(fate.included).toBe('unknown');
    expect(fate.why).toMatch(/36\.4\.0.*include it and.*34\.0\.1.*leave it out/);
  });

  it("takes the tag's [build-system] requires: unmarked bounds all hold, one of the marked ones does", () => {
    const pyproject = (requires: string[]) =>
      `[build-system]\nrequires = ${JSON.stringify(requires)}\nbuild-backend = "setuptools.build_meta"\n`;
    const readmeOnly = { ...PACKAGE, 'README.md': '# demo\n' };
    // 2018: 34.0.1 and 36.4 are both out; a floor at 36.4 leaves only the versions that include README.md.
    expect(
      fatesOf({ ...readmeOnly, 'pyproject.toml': pyproject(['setuptools>=36.4']) }, '2018-06-01').fate('README.md')
        .included,
    ).toBe(true);
    expect(
      fatesOf(
        {
          ...readmeOnly,
          'pyproject.toml': pyproject([
            'setuptools>=36.4; python_version >= "3"',
            'setuptools<35; python_version < "3"',
          ]),
        },
        '2018-06-01',
      ).fate('README.md').included,
    ).toBe('unknown');
    expect(() => fatesOf({ ...PACKAGE, 'pyproject.toml': pyproject(['setuptools>=83']) }, '2026-01-06')).toThrow(
      /no setuptools version crosscheck models .* can have built it/,
    );
  });

  it('holds a marked bound only where the markers cover every Python: elsewhere a build is bound by the unmarked ones alone', () => {
    const pyproject = (requires: string[]) =>
      `[build-system]\nrequires = ${JSON.stringify(requires)}\nbuild-backend = "setuptools.build_meta"\n`;
    const readmeOnly = { ...PACKAGE, 'README.md': '# demo\n' };
    const fate = (requires: string[]) =>
      fatesOf({ ...readmeOnly, 'pyproject.toml': pyproject(requires) }, '2018-06-01').fate('README.md').included;
    // Python 2 builds take setuptools < 36; a build on Python 3 is bound by nothing: 36.4 and later can have built it too.
    expect(fate(['setuptools<36; python_version < "3"'])).toBe('unknown');
    expect(fate(['setuptools>=34', 'setuptools<36; python_version < "3"'])).toBe('unknown');
    // Markers that cover every Python (Django 4.2's pair): one of them holds.
    expect(fate(["setuptools<36; python_version >= '3.9'", "setuptools<36; python_version < '3.9'"])).toBe(false);
    expect(fate(['setuptools<36; python_version < "3" or python_version >= "3.0"'])).toBe(false);
    // A marker on anything but the Python version is not assumed to cover the build's environment.
    expect(fate(['setuptools<36; sys_platform == "linux"', 'setuptools<36; sys_platform != "linux"'])).toBe('unknown');
  });

  it('keeps a setuptools older than the model among the candidates before 2018 when the bound admits one', () => {
    const pyproject = (requires: string[]) =>
      `[build-system]\nrequires = ${JSON.stringify(requires)}\nbuild-backend = "setuptools.build_meta"\n`;
    const tag = (requires: string[]) => ({
      ...PACKAGE,
      'setup.cfg': '[metadata]\nname = demo\n',
      'pyproject.toml': pyproject(requires),
    });
    // setuptools 18 … 34.0.0 can have built a tag of December 2017 that asks for >=18: what they include is not certain.
    expect(fatesOf(tag(['setuptools>=18']), '2017-12-01').fate('demo/core.py').included).toBe('unknown');
    expect(fatesOf(tag(['setuptools>=34.0.1']), '2017-12-01').fate('demo/core.py').included).toBe(true);
  });

  it('keeps every version a bound admits, also just above a `>` bound and past an excluded prefix (PEP 440: `>34.0.1` admits 34.0.2, not 34.0.1.post1)', () => {
    const pyproject = (requires: string[]) =>
      `[build-system]\nrequires = ${JSON.stringify(requires)}\nbuild-backend = "setuptools.build_meta"\n`;
    const readmeOnly = { ...PACKAGE, 'README.md': '# demo\n' };
    // 34.0.2 … 36.3.x (no README.md by default) can have built it as well as 36.4 and later: which is not known.
    for (const requires of ['setuptools>34.0.1', 'setuptools>=34,!=34.*', 'setuptools>34.0.1,<36.4']) {
      const fate = fatesOf({ ...readmeOnly, 'pyproject.toml': pyproject([requires]) }, '2018-06-01').fate('README.md');
      expect(fate.included, requires).toBe(requires.includes('<36.4') ? false : 'unknown');
    }
    // A bound that admits nothing in a range leaves that range out.
    expect(
      fatesOf({ ...readmeOnly, 'pyproject.toml': pyproject(['setuptools>36.4']) }, '2018-06-01').fate('README.md')
        .included,
    ).toBe(true);
  });

  it('is certain of an old MANIFEST.in exclusion only when no later line may add the file back', () => {
    const manifest = (lines: string[]) => ({
      ...PACKAGE,
      'demo/bin/tool.py': 'pass\n',
      'docs/index.txt': 'docs\n',
      'MANIFEST.in': `${lines.join('\n')}\n`,
    });
    const pruned = fatesOf(manifest(['graft demo', 'prune demo/bin', 'graft docs']), '2015-08-18');
    expect(pruned.fate('demo/bin/tool.py')).toMatchObject({ included: false });
    expect(pruned.fate('demo/bin/tool.py').why).toMatch(/prune demo\/bin/);
    // `include demo/*` adds no file below demo/bin in the versions modelled; an older glob is not assumed to agree.
    const mayAddBack = fatesOf(manifest(['graft demo', 'prune demo/bin', 'include demo/*']), '2015-08-18');
    expect(
      fatesOf(manifest(['graft demo', 'prune demo/bin', 'include demo/*']), '2019-08-18').fate('demo/bin/tool.py'),
    ).toMatchObject({ included: false });
    expect(mayAddBack.fate('demo/bin/tool.py').included).toBe('unknown');
    const globbed = fatesOf(manifest(['graft demo', 'prune demo/bin', 'global-include *.py']), '2015-08-18');
    expect(globbed.fate('demo/bin/tool.py').included).toBe('unknown');
  });

  it('keeps the versions just above a `>V` bound (and past a `!=V.*` one) among those that can have built it', () => {
    const pyproject = (requires: string) =>
      `[build-system]\nrequires = ["${requires}"]\nbuild-backend = "setuptools.build_meta"\n`;
    // `**` in license_files is recursive from setuptools 77 only: 74.x leaves docs/a/b/LICENSE out, 77 includes it.
    const files = (requires: string) => ({
      ...PACKAGE,
      'docs/a/b/LICENSE': 'licence\n',
      'setup.cfg': '[metadata]\nname = demo\nlicense_files = docs/**/LICENSE\n',
      'pyproject.toml': pyproject(requires),
    });
    const reference = fatesOf(files('setuptools>=74.0.1'), '2025-06-01').fate('docs/a/b/LICENSE');
    expect(reference.included).toBe('unknown');
    // 74.0.1, 74.1 … satisfy `>74`: the tag cannot choose the era that judges it by writing > for >=.
    for (const bound of ['setuptools>74', 'setuptools>74.0', 'setuptools>74.0.0', 'setuptools!=77.*,>=74']) {
      expect(fatesOf(files(bound), '2025-06-01').fate('docs/a/b/LICENSE').included, bound).toBe('unknown');
    }
    expect(fatesOf(files('setuptools!=74.*,!=75.*,!=76.*,>=74'), '2025-06-01').fate('docs/a/b/LICENSE').included).toBe(
      true,
    );
  });
});
