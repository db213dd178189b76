import { describe, expect, it } from 'vitest';
import { entryPointsTexts } from '../../src/formats/entry-points.js';
import { comparePython } from '../../src/formats/python-text.js';

/** entry_points.txt as setuptools writes it: the current rendering and pkg_resources' older one (both in real Django sdists). */
describe('entry_points.txt renderings', () => {
  it('renders groups sorted, entries sorted, in each era\'s layout', () => {
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
