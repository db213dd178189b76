import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ArchiveReadQueue } from '../../src/run/archive-reads.js';

describe("the run's archive reads", () => {
  it('run one at a time, in the order asked, and each gives its own result', async () => {
    const queue = new ArchiveReadQueue();
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        queue.run(async () => {
          started.push(n);
          most = Math.max(most, ++running);
          await sleep(5);
          running--;
          return n * 10;
        }),
      ),
    );
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(1);
  });

  it('go on after one fails', async () => {
    const queue = new ArchiveReadQueue();
    const failed = queue.run(() => Promise.reject(new Error('not an archive')));
    const next = queue.run(async () => 'read');
    await expect(failed).rejects.toThrow('not an archive');
    await expect(next).resolves.toBe('read');
  });

  it('start nothing once the run has ended: a read still waiting is refused, and says why', async () => {
    const queue = new ArchiveReadQueue();
    let release!: () => void;
    const first = queue.run(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    let secondStarted = false;
    const second = queue.run(async () => {
      secondStarted = true;
      return 'second';
    });
    await sleep(1);
    queue.end();
    release();
    await expect(first).resolves.toBe('first');
    await expect(second).rejects.toMatchObject({
      reason: 'RUN_DEADLINE',
      message: expect.stringContaining('the run has ended'),
    });
    expect(secondStarted).toBe(false);
  });
});
