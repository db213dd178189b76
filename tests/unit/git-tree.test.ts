import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitObjectReader } from '../../src/sources/git-object-reader.js';
import { type GitTreeEntry, walkTree } from '../../src/formats/git-tree.js';
import { ROOT } from '../helpers/paths.js';

/**
 * walkTree against the real `git ls-tree -r -z --full-tree`, on the real tree of Django 3.2.25
 * (rebuilt from its listing with `git mktree --missing`: the blobs themselves are not needed) and
 * on trees written byte by byte, malformed ones included.
 */
describe('walkTree lists a tree as git ls-tree -r does', () => {
  let dir: string;
  let reader: GitObjectReader;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C',
  };
  const git = (args: string[], input?: Buffer | string) =>
    execFileSync('git', ['-C', dir, ...args], {
      env,
      ...(input === undefined ? {} : { input }),
      maxBuffer: 64 * 1024 * 1024,
    });
  const readTrees = async (oids: string[]) => {
    const objects = await reader.read(
      oids.map((name) => ({ name, keep: { tree: 16 * 1024 * 1024 } })),
      'list tree',
    );
    return new Map(objects.map((object, i) => [oids[i]!, object!.content]));
  };
  const lsTree = (tree: string): GitTreeEntry[] =>
    git(['ls-tree', '-r', '-z', '--full-tree', tree])
      .toString('utf8')
      .split('\0')
      .filter((record) => record !== '')
      .map((record) => {
        const [, mode, type, oid, path] = /^(\d{6}) (\w+) ([0-9a-f]{40})\t([\s\S]+)$/.exec(record)!;
        return { mode: mode!, type: type!, oid: oid!, path: path! };
      });
  /** A tree object written as given, however malformed (`hash-object --literally`). */
  const rawTree = (...entries: [mode: string, name: Buffer | string, oid: string][]) =>
    git(
      ['hash-object', '-w', '-t', 'tree', '--literally', '--stdin'],
      Buffer.concat(
        entries.map(([mode, name, oid]) =>
          Buffer.concat([Buffer.from(`${mode} `), Buffer.from(name), Buffer.from([0]), Buffer.from(oid, 'hex')]),
        ),
      ),
    )
      .toString()
      .trim();
  const blob = (text: string) => git(['hash-object', '-w', '--stdin'], text).toString().trim();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crosscheck-trees-'));
    execFileSync('git', ['init', '--quiet', '--bare', dir], { env });
    reader = new GitObjectReader({ args: ['-C', dir], env, url: 'file:///test', deadlineMs: 60_000 });
  });
  afterAll(() => {
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the real Django 3.2.25 tree exactly as ls-tree does: 6,487 entries, modes, ids, order', async () => {
    const listing = readFileSync(join(ROOT, 'fixtures', 'real', 'trees', '3.2.25.tsv'), 'utf8')
      .trim()
      .split('\n');
    // Build the nested trees bottom-up from the flat listing.
    type Dir = { files: string[]; dirs: Map<string, Dir> };
    const root: Dir = { files: [], dirs: new Map() };
    for (const line of listing) {
      const [meta, path] = line.split('\t') as [string, string];
      const parts = path.split('/');
      let at = root;
      for (const part of parts.slice(0, -1)) {
        if (!at.dirs.has(part)) at.dirs.set(part, { files: [], dirs: new Map() });
        at = at.dirs.get(part)!;
      }
      at.files.push(`${meta}\t${parts[parts.length - 1]}`);
    }
    const write = (d: Dir): string => {
      const lines = [...d.files, ...[...d.dirs].map(([name, sub]) => `040000 tree ${write(sub)}\t${name}`)];
      return git(['mktree', '--missing'], `${lines.join('\n')}\n`)
        .toString()
        .trim();
    };
    const tree = write(root);
    const walked = await walkTree(tree, readTrees, 30_000);
    expect(walked).toHaveLength(6487);
    expect(walked).toEqual(lsTree(tree));
  });

  it('canonicalises modes as git does, lists submodules as commits, and keeps tree order', async () => {
    const file = blob('x\n');
    const inner = rawTree(['100664', 'group-writable.py', file], ['100775', 'tool', file]);
    const tree = rawTree(
      ['100644', 'a.txt', file],
      ['40000', 'pkg', inner],
      ['120000', 'link', file],
      ['160000', 'vendored', file],
      ['100755', 'z.sh', file],
      ['140000', 'odd-type', file],
    );
    const walked = await walkTree(tree, readTrees, 100);
    expect(walked).toEqual(lsTree(tree));
    expect(walked.map((e) => `${e.mode} ${e.type} ${e.path}`)).toEqual([
      '100644 blob a.txt',
      '100644 blob pkg/group-writable.py',
      '100755 blob pkg/tool',
      '120000 blob link',
      '160000 commit vendored',
      '100755 blob z.sh',
      '160000 commit odd-type',
    ]);
  });

  it.each([
    ['a mode with a digit git rejects', () => rawTree(['100648', 'a', blob('a')])],
    ['an empty file name', () => rawTree(['100644', '', blob('a')])],
  ])('refuses %s, as ls-tree does', async (_name, make) => {
    const tree = make();
    expect(() => lsTree(tree)).toThrow();
    await expect(walkTree(tree, readTrees, 100)).rejects.toMatchObject({ reason: 'GIT_OBJECT' });
  });

  it('refuses a tree cut short inside an entry', async () => {
    const whole = Buffer.concat([Buffer.from('100644 a\0'), Buffer.from(blob('a'), 'hex')]);
    const tree = git(['hash-object', '-w', '-t', 'tree', '--literally', '--stdin'], whole.subarray(0, whole.length - 5))
      .toString()
      .trim();
    expect(() => lsTree(tree)).toThrow();
    await expect(walkTree(tree, readTrees, 100)).rejects.toMatchObject({ reason: 'GIT_OBJECT' });
  });

  it('stops a listing that a shared subtree makes explode, at the entry limit', async () => {
    let tree = rawTree(['100644', 'f', blob('f')]);
    for (let depth = 0; depth < 20; depth++) tree = rawTree(['40000', 'a', tree], ['40000', 'b', tree]);
    // 2^20 files from 21 small trees.
    await expect(walkTree(tree, readTrees, 30_000)).rejects.toMatchObject({ reason: 'LIMIT_MEMBERS' });
    // The same with directories only: nothing to list, yet 2^21 directories to walk.
    let empty = git(['mktree'], '').toString().trim();
    for (let depth = 0; depth < 20; depth++) empty = rawTree(['40000', 'a', empty], ['40000', 'b', empty]);
    await expect(walkTree(empty, readTrees, 30_000)).rejects.toMatchObject({ reason: 'LIMIT_MEMBERS' });
  });
});
