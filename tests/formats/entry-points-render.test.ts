import { describe, expect, it } from 'vitest';
import { entryPointsTexts } from '../../src/formats/entry-points.js';
import { comparePython } from '../../src/formats/python-text.js';

/** entry_points.txt as setuptools writes it: the current rendering and pkg_resources' older one (both in real Django sdists). */
describe('entry_points.txt renderings', () => {
  it("renders groups sorted, entries sorted, in each era's layout", () => {
    const entries = [
      { group: 'gui_scripts', name: 'b', value: 'm:f' },
      { group: 'console_scripts', name: 'z', value: 'pkg.mod : main [extra1, extra2]' },
      { group: 'console_scripts', name: 'a', value: 'pkg:run' },
    ];
    expect(entryPointsTexts(entries, comparePython)).toEqual([
      '[console_scripts]\na = pkg:run\nz = pkg.mod : main [extra1, extra2]\n\n[gui_scripts]\nb = m:f\n',
      '[console_scripts]\na = pkg:run\nz = pkg.mod:main [extra1,extra2]\n\n[gui_scripts]\nb = m:f\n\n',
    ]);
  });
});

describe('an entry_points.txt where the tag declares no entry points', () => {
  it('fails, naming it, rather than stopping the rule (setuptools writes none then)', async () => {
    const { judgeEntryPoints } = await import('../../src/rules/content/wheel.js');
    const { Findings } = await import('../../src/rules/content/findings.js');
    const { readDeclared } = await import('../../src/rules/content/declared.js');
    const declared = readDeclared({ setupCfg: Buffer.from('[metadata]\nname = demo\n'), readFile: () => undefined });
    for (const text of ['', '# nothing here\n', '[console_scripts]\n']) {
      const findings = new Findings('content.sdist-metadata');
      judgeEntryPoints('demo.egg-info/entry_points.txt', Buffer.from(text), declared, findings);
      expect(findings.differences, JSON.stringify(text)).toMatchObject([{ allowed: false, kind: 'metadata' }]);
    }
  });
});
