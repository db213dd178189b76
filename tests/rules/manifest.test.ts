import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestTemplate } from '../../src/formats/manifest-in.js';
import {
  applyManifest,
  type DefaultInclusion,
  InvalidFileListError,
  NOT_INCLUDED,
  prepareTagFiles,
} from '../../src/rules/manifest.js';
import { setuptoolsDefaults, templateDialect } from '../../src/rules/setuptools-defaults.js';
import { findPackages } from '../../src/rules/content/packages.js';
import { REAL } from '../helpers/paths.js';

const commands = (text: string) => parseManifestTemplate(text).lines.map((l) => l.command ?? l.error);

describe('parseManifestTemplate', () => {
  it('strips comments unless the first # is escaped; then later # are text', () => {
    expect(commands('include a # comment\n# whole line\ninclude a\\#b c#d\n')).toEqual([
      { action: 'include', patterns: ['a'] },
      { action: 'include', patterns: ['a#b', 'c#d'] },
    ]);
  });

  it("joins continuation lines without the next line's indentation, skipping comment lines", () => {
    const { lines } = parseManifestTemplate('include a\\\n    b\ninclude c \\\n# note\n  d\n');
    expect(lines.map((l) => [l.text, l.line, l.lastLine, l.joined])).toEqual([
      ['include ab', 1, 2, true],
      ['include c d', 3, 5, true],
    ]);
  });

  it('reads CRLF and CR line ends, and counts physical lines', () => {
    expect(parseManifestTemplate('\r\ninclude a\r\n\rgraft b').lines.map((l) => [l.text, l.line])).toEqual([
      ['include a', 2],
      ['graft b', 4],
    ]);
  });

  it("splits on Python's whitespace: a no-break space separates words, a zero-width space does not", () => {
    expect(commands('include\u00a0a\u200bb\x1cc')).toEqual([{ action: 'include', patterns: ['a\u200bb', 'c'] }]);
  });

  it("keeps malformed lines with setuptools' message", () => {
    expect(commands('graft a b\nrecursive-include d\nfrobnicate x\nexclude\n')).toEqual([
      "'graft' expects a single <dir_pattern>",
      "'recursive-include' expects <dir> <pattern1> <pattern2> ...",
      "unknown action 'frobnicate'",
      "'exclude' expects <pattern1> <pattern2> ...",
    ]);
  });

  it('warns about a continuation at the end of the file and keeps the line', () => {
    const parsed = parseManifestTemplate('include a \\');
    expect(parsed.lines.map((l) => l.command)).toEqual([{ action: 'include', patterns: ['a'] }]);
    expect(parsed.warnings).toEqual(['line 1: continuation line immediately precedes end-of-file']);
  });
});

const FILES = [
  'setup.py',
  'README.rst',
  'LICENSE',
  '.gitignore',
  'pkg/__init__.py',
  'pkg/mod.py',
  'pkg/.hidden.py',
  'pkg/data/x.json',
  'pkg/__pycache__/mod.cpython-311.pyc',
  'docs/index.rst',
  'docs/.nojekyll',
  'tox.ini',
];
const DEFAULTS: DefaultInclusion[] = [
  { path: 'setup.py', why: 'setup.py — the setup script' },
  { path: 'pkg/__init__.py', why: 'pkg/__init__.py — a module of package pkg' },
];

function fate(result: ReturnType<typeof applyManifest>, path: string): string {
  return result.fates.find((f) => f.path === path)!.why;
}

describe('applyManifest', () => {
  it('says for each file which default or line included it, or which line excluded it', () => {
    const template = 'include *.rst\ngraft pkg\nglobal-exclude *.py[co]\nprune pkg/data\n';
    const result = applyManifest({ files: FILES, template, defaults: DEFAULTS });
    expect(fate(result, 'setup.py')).toBe('default: setup.py — the setup script');
    expect(fate(result, 'pkg/__init__.py')).toBe('MANIFEST.in line 2: graft pkg');
    expect(fate(result, 'README.rst')).toBe('MANIFEST.in line 1: include *.rst');
    expect(fate(result, 'pkg/__pycache__/mod.cpython-311.pyc')).toBe(
      'MANIFEST.in line 3: global-exclude *.py[co] (after MANIFEST.in line 2: graft pkg)',
    );
    expect(fate(result, 'pkg/data/x.json')).toBe(
      'MANIFEST.in line 4: prune pkg/data (after MANIFEST.in line 2: graft pkg)',
    );
    expect(fate(result, 'tox.ini')).toBe(NOT_INCLUDED);
    expect(result.notIncluded).toEqual([
      '.gitignore',
      'LICENSE',
      'docs/.nojekyll',
      'docs/index.rst',
      'pkg/__pycache__/mod.cpython-311.pyc',
      'pkg/data/x.json',
      'tox.ini',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it("matches dot-files with wildcards and grafts them (setuptools' glob does not hide them)", () => {
    const result = applyManifest({ files: FILES, template: 'include .*\ngraft docs\ninclude pkg/*.py', defaults: [] });
    expect(result.included).toEqual([
      '.gitignore',
      'docs/.nojekyll',
      'docs/index.rst',
      'pkg/.hidden.py',
      'pkg/__init__.py',
      'pkg/mod.py',
    ]);
  });

  it('keeps paths as spelled: exclude x does not remove ./x', () => {
    const result = applyManifest({
      files: FILES,
      template: 'include ./setup.py tox.ini\nexclude setup.py tox.ini',
      defaults: [],
    });
    expect(result.listed).toEqual(['./setup.py']);
    expect(result.included).toEqual(['setup.py']);
    expect(fate(result, 'tox.ini')).toBe(
      'MANIFEST.in line 2: exclude tox.ini (after MANIFEST.in line 1: include tox.ini)',
    );
  });

  it('reads each argument through PurePath from setuptools 72.2: ./x is x, tox.ini/ is tox.ini', () => {
    const template = 'include ./setup.py tox.ini\nexclude setup.py tox.ini/';
    const old = applyManifest({ files: FILES, template, defaults: [], dialect: templateDialect('72.1.0') });
    expect([old.listed, old.included]).toEqual([
      ['./setup.py', 'tox.ini'],
      ['setup.py', 'tox.ini'],
    ]);
    const current = applyManifest({ files: FILES, template, defaults: [], dialect: templateDialect('72.2.0') });
    expect([current.listed, current.included]).toEqual([[], []]);
  });

  it('warns, as setuptools does, for a line that matches nothing and a malformed line', () => {
    const result = applyManifest({ files: FILES, template: 'include nothing*\ngraft\nprune build', defaults: [] });
    expect(result.warnings.map((w) => w.setuptools)).toEqual([
      "warning: no files found matching 'nothing*'",
      "'graft' expects a single <dir_pattern>",
      "no previously-included directories found matching 'build'",
    ]);
    expect(result.fails).toBeUndefined();
  });

  it('says setuptools stops at a malformed line continued over two lines', () => {
    const result = applyManifest({
      files: FILES,
      template: 'include *.rst\ngraft a \\\n b\ninclude tox.ini',
      defaults: [],
    });
    expect(result.fails).toMatch(/^MANIFEST\.in lines 2-3: 'graft' expects a single <dir_pattern>/);
    expect(result.included).toEqual(['README.rst']);
  });

  it('does not claim to know files a pattern reaches outside the project', () => {
    const result = applyManifest({ files: FILES, template: 'include ../*.txt\ngraft /etc', defaults: [] });
    expect(result.unknown).toHaveLength(2);
    expect(result.unknown[0]).toMatch(/^MANIFEST\.in line 1: include \.\.\/\*\.txt reaches outside the project/);
  });

  it('prunes as egg_info did before setuptools 74 and as sdist does from 74', () => {
    const files = ['a.py', 'build/x.py', 'Proj-1.0/y.py', 'CVS/z.py', '.git/config', '.tox/log', 'sub/.hg/h'];
    const template = 'global-include *';
    const old = applyManifest({
      files,
      template,
      defaults: [],
      prune: { style: 'manifest-maker', buildBase: 'build', baseDir: 'Proj-1.0' },
    });
    expect(old.included).toEqual(['.git/config', '.tox/log', 'a.py', 'sub/.hg/h']);
    expect(fate(old, 'CVS/z.py')).toBe(
      'prune_file_list: a version-control directory (RCS, CVS, .svn) (after MANIFEST.in line 1: global-include *)',
    );
    const current = applyManifest({
      files,
      template,
      defaults: [],
      prune: { style: 'sdist', buildBase: 'build', baseDir: 'Proj-1.0' },
    });
    expect(current.included).toEqual(['a.py']);
  });

  it('refuses a file list git could not hold', () => {
    expect(() => applyManifest({ files: ['a', 'a/b'], defaults: [] })).toThrow(InvalidFileListError);
    expect(() => applyManifest({ files: ['./a'], defaults: [] })).toThrow(InvalidFileListError);
    expect(() => applyManifest({ files: ['a//b'], defaults: [] })).toThrow(InvalidFileListError);
  });
});

describe('setuptoolsDefaults', () => {
  const declared = {
    name: 'Proj',
    releaseTree: 'Proj-1.0',
    packages: ['pkg'],
    pyModules: [],
    scripts: [],
    packageData: {},
    licenseFiles: null,
    licenseFile: null,
    referencedFiles: [],
  };
  const paths = (setuptools: string, files: string[] = FILES) =>
    setuptoolsDefaults({ files, declared: { ...declared, setuptools } }).defaults.map(
      (d) => `${d.stage === 'after-template' ? 'late ' : ''}${d.path}`,
    );

  it('includes pyproject.toml from setuptools 43', () => {
    const files = [...FILES, 'pyproject.toml'];
    expect(paths('42.0.2', files)).not.toContain('pyproject.toml');
    expect(paths('43.0.0', files)).toContain('pyproject.toml');
  });

  it('takes the first README of the era, README.md from 36.4', () => {
    expect(paths('36.3.0', ['README.md', 'setup.py'])).toEqual(['setup.py']);
    expect(paths('36.4.0', ['README.md', 'setup.py'])).toEqual(['README.md', 'setup.py']);
    expect(paths('66.1.1', ['README.md', 'README.rst'])).toEqual(['README.rst']);
  });

  it("adds package modules with the standard library's glob, which hides .hidden.py", () => {
    expect(paths('66.1.1')).toEqual([
      'README.rst',
      'setup.py',
      'pkg/__init__.py',
      'pkg/mod.py',
      'setup.py',
      'late LICENSE',
    ]);
  });

  it('adds license files before MANIFEST.in until 56.x and after it from 57, so an exclude works only before', () => {
    const exclude = 'exclude LICENSE';
    const run = (setuptools: string) =>
      applyManifest({
        files: FILES,
        template: exclude,
        ...setuptoolsDefaults({ files: FILES, declared: { ...declared, setuptools } }),
      });
    expect(run('56.2.0').notIncluded).toContain('LICENSE');
    expect(run('57.0.0').included).toContain('LICENSE');
    expect(paths('55.0.0')).not.toContain('LICENSE');
  });

  it('matches license_files ** recursively from setuptools 77', () => {
    const files = ['licenses/a/MIT.txt', 'licenses/B.txt'];
    const withPattern = (setuptools: string) =>
      setuptoolsDefaults({
        files,
        declared: { ...declared, licenseFiles: ['licenses/**/*.txt'], setuptools },
      }).defaults.map((d) => d.path);
    expect(withPattern('76.0.0')).toEqual(['licenses/a/MIT.txt']);
    expect(withPattern('77.0.0')).toEqual(['licenses/B.txt', 'licenses/a/MIT.txt']);
  });

  it('adds tests/test*.py from 67.2 and prunes the sdist way from 74', () => {
    const files = ['tests/test_a.py', 'test/test_b.py'];
    expect(paths('67.1.0', files)).toEqual(['test/test_b.py']);
    expect(paths('67.2.0', files)).toEqual(['tests/test_a.py', 'test/test_b.py']);
    expect(setuptoolsDefaults({ files, declared: { ...declared, setuptools: '74.0.0' } }).prune.style).toBe('sdist');
  });

  it('grafts the egg-info directory, and cannot know what a stale SOURCES.txt there names', () => {
    const files = [...FILES, 'Proj.egg-info/PKG-INFO', 'Proj.egg-info/SOURCES.txt'];
    const result = setuptoolsDefaults({ files, declared: { ...declared, setuptools: '66.1.1' } });
    expect(result.defaults.filter((d) => d.path.startsWith('Proj.egg-info/')).map((d) => d.path)).toEqual([
      'Proj.egg-info/PKG-INFO',
      'Proj.egg-info/SOURCES.txt',
    ]);
    expect(result.unknown).toEqual([
      'the tag holds Proj.egg-info/SOURCES.txt: egg_info reads it back, so the files it names are defaults too',
    ]);
  });

  it('reports what it does not know instead of guessing', () => {
    const result = setuptoolsDefaults({
      files: FILES,
      declared: { setuptools: '66.1.1', name: 'Proj', releaseTree: 'Proj-1.0' },
    });
    expect(result.unknown).toEqual([
      'py_modules is not known: modules named there are sdist defaults',
      "the package list is not known: every package's *.py files are sdist defaults",
      'package_data is not known: the files it names are sdist defaults',
      'scripts is not known: the scripts named there are sdist defaults',
      'license_file / license_files are not known: the license files are sdist defaults from setuptools 40.8',
      'the files named by file: directives are not known: they are sdist defaults from setuptools 66.1',
    ]);
    expect(setuptoolsDefaults({ files: FILES, declared: { ...declared, setuptools: '30.0.0' } }).unknown[0]).toMatch(
      /outside the versions crosscheck models/,
    );
  });

  it('adds package data, excluding exclude_package_data; before 58.5 not with include_package_data', () => {
    const withData = {
      ...declared,
      packageData: { pkg: ['data/*.json', '*.py'] },
      excludePackageData: { '': ['*mod.py'] },
      includePackageData: true,
    };
    const late = setuptoolsDefaults({ files: FILES, declared: { ...withData, setuptools: '66.1.1' } }).defaults.map(
      (d) => d.path,
    );
    expect(late).toContain('pkg/data/x.json');
    expect(late.filter((p) => p === 'pkg/mod.py')).toHaveLength(1);
    const early = setuptoolsDefaults({ files: FILES, declared: { ...withData, setuptools: '58.4.0' } }).defaults.map(
      (d) => d.path,
    );
    expect(early).not.toContain('pkg/data/x.json');
  });
});

describe('findPackages', () => {
  it('finds directories with __init__.py reached through packages, with fnmatch excludes', () => {
    const files = [
      'a/__init__.py',
      'a/b/__init__.py',
      'a/b/c/__init__.py',
      'a/x.y/__init__.py',
      'd/e/__init__.py',
      'a/__pycache__/__init__.py',
      'ez_setup/__init__.py',
    ];
    expect(findPackages(files, { kind: 'find' })).toEqual(['a', 'a.b', 'a.b.c']);
    expect(findPackages(files, { kind: 'find', exclude: ['a.b'] })).toEqual(['a', 'a.b.c']);
    expect(findPackages(files, { kind: 'find', include: ['a.*'] })).toEqual(['a.b', 'a.b.c']);
  });
});

describe('a Django-sized tag', () => {
  const tree = readFileSync(join(REAL, 'trees', '3.2.25.tsv'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf('\t') + 1));
  // Seventeen lines of every kind (not Django's own MANIFEST.in).
  const template = [
    'include AUTHORS LICENSE* INSTALL',
    'include *.rst *.json *.js',
    'graft django',
    'prune django/contrib/admin/bin',
    'graft docs',
    'graft extras',
    'graft js_tests',
    'graft scripts',
    'graft tests',
    'recursive-include django *.html *.txt *.py',
    'recursive-exclude tests *.orig',
    'global-include *.po',
    'global-exclude __pycache__',
    'global-exclude *.py[co]',
    'global-exclude **/*.swp',
    'exclude django/**/tests/**/*.mo',
    'include tox.ini',
  ].join('\n');

  it('derives the fate of every file of a Django-sized tree (npm run bench times it)', () => {
    const files = prepareTagFiles(tree);
    const packages = findPackages(tree, { kind: 'find' });
    const defaults = setuptoolsDefaults({
      files,
      declared: {
        setuptools: '66.1.1',
        name: 'Django',
        releaseTree: 'Django-3.2.25',
        packages,
        pyModules: [],
        scripts: ['django/bin/django-admin.py'],
        packageData: {},
        licenseFiles: null,
        licenseFile: null,
        referencedFiles: ['README.rst'],
      },
    });
    const result = applyManifest({ files, template, ...defaults });
    expect(result.fates).toHaveLength(tree.length);
    expect(result.included.length).toBeGreaterThan(6400);
  });
});
