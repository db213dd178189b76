import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitObjectReader, type GitInvocation } from '../../src/sources/git-object-reader.js';

describe('GitObjectReader: one git cat-file --batch for a run', () => {
  let dir: string;
  let invocation: GitInvocation;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C',
  };
  const small = Buffer.from('[metadata]\nname = example\n');
  // Larger than a pipe's buffer, so that its bytes arrive in several chunks.
  const large = randomBytes(300_000);
  let smallId: string;
  let largeId: string;

  const store = (content: Buffer) =>
    execFileSync('git', ['-C', dir, 'hash-object', '-w', '--stdin'], { input: content, env }).toString().trim();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crosscheck-objects-'));
    execFileSync('git', ['init', '--quiet', '--bare', dir], { env });
    smallId = store(small);
    largeId = store(large);
    invocation = { args: ['-C', dir], env, url: 'file:///test', deadlineMs: 30_000 };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers each request in order, bytes kept as asked, missing objects as undefined', async () => {
    const reader = new GitObjectReader(invocation);
    const missing = '0'.repeat(40);
    const objects = await reader.read(
      [
        { name: largeId, keep: { blob: 1_000_000 } },
        { name: missing, keep: { blob: 1_000_000 } },
        { name: smallId, keep: { blob: 1024 } },
        { name: smallId, keep: { tree: 1024 } },
      ],
      'read blobs',
    );
    reader.close();
    expect(objects.map((o) => o?.oid)).toEqual([largeId, undefined, smallId, smallId]);
    expect(objects[0]!.content.equals(large)).toBe(true);
    expect(objects[2]!.content.equals(small)).toBe(true);
    expect(objects[3]).toMatchObject({ type: 'blob', content: Buffer.alloc(0) });
  });

  it('keeps concurrent batches apart, and one process serves them all', async () => {
    const reader = new GitObjectReader(invocation);
    const reads = Array.from({ length: 20 }, (_, i) =>
      reader.read(
        [
          { name: i % 2 ? largeId : smallId, keep: { blob: 1_000_000 } },
          { name: smallId, keep: { blob: 1024 } },
        ],
        `read ${i}`,
      ),
    );
    const results = await Promise.all(reads);
    reader.close();
    results.forEach((objects, i) => {
      expect(objects[0]!.content.equals(i % 2 ? large : small)).toBe(true);
      expect(objects[1]!.content.equals(small)).toBe(true);
    });
  });

  it('fails a batch with an object over its limit, skips it when asked, and stays in step for the next batch', async () => {
    const reader = new GitObjectReader(invocation);
    const failed = reader.read(
      [
        { name: largeId, keep: { blob: 1000 } },
        { name: smallId, keep: { blob: 1024 } },
      ],
      'read blobs',
    );
    const skipped = reader.read([{ name: largeId, keep: { blob: 1000 }, oversize: 'skip' }], 'read blobs');
    const after = reader.read([{ name: smallId, keep: { blob: 1024 } }], 'read blobs');
    await expect(failed).rejects.toMatchObject({ reason: 'LIMIT_EXCEEDED' });
    expect((await skipped)[0]).toMatchObject({ oid: largeId, content: Buffer.alloc(0) });
    expect((await after)[0]!.content.equals(small)).toBe(true);
    reader.close();
  });

  it('stops git rather than pass over a large object it was not asked to keep, and starts afresh', async () => {
    const reader = new GitObjectReader(invocation, 100_000);
    await expect(reader.read([{ name: largeId, keep: { tag: 1024 } }], 'read tag')).rejects.toMatchObject({
      reason: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('too large to pass over to read tag'),
    });
    expect((await reader.read([{ name: smallId, keep: { blob: 1024 } }], 'read blobs'))[0]!.content.equals(small)).toBe(
      true,
    );
    reader.close();
  });

  it('refuses reads once closed, rather than start a git that would outlive the run', async () => {
    const reader = new GitObjectReader(invocation);
    reader.close();
    await expect(reader.read([{ name: smallId, keep: { blob: 1024 } }], 'read blobs')).rejects.toMatchObject({
      reason: 'GIT_ERROR',
      message: expect.stringContaining('the run has ended'),
    });
  });

  it('fails pending reads with git’s reason when git cannot run, and starts afresh on the next read', async () => {
    const broken = new GitObjectReader({ ...invocation, args: ['-C', join(dir, 'no-such-repository')] });
    await expect(broken.read([{ name: smallId, keep: { blob: 1024 } }], 'read blobs')).rejects.toMatchObject({
      reason: 'GIT_ERROR',
      message: expect.stringContaining('could not read blobs from file:///test'),
    });
    await expect(broken.read([{ name: smallId, keep: { blob: 1024 } }], 'read blobs again')).rejects.toMatchObject({
      reason: 'GIT_ERROR',
      message: expect.stringContaining('could not read blobs again'),
    });
  });
});
