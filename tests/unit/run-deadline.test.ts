import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunDeadline } from '../../src/run/deadline.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('the run deadline', () => {
  it('gives the work’s result, or its error, when the work ends first', async () => {
    const deadline = new RunDeadline(60_000);
    await expect(deadline.race(Promise.resolve(42))).resolves.toBe(42);
    await expect(deadline.race(Promise.reject(new Error('broke')))).rejects.toThrow('broke');
    deadline.clear();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends every unfinished race, and any later one, with "deadline" — when the time has come, not before', async () => {
    vi.useFakeTimers();
    const deadline = new RunDeadline(900_000);
    const never = new Promise<number>(() => {});
    const settled: string[] = [];
    const races = Promise.all([deadline.race(never), deadline.race(never)]).then(
      (results) => (settled.push('both'), results),
    );
    await vi.advanceTimersByTimeAsync(899_999);
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await expect(races).resolves.toEqual(['deadline', 'deadline']);
    await expect(deadline.race(Promise.resolve(1))).resolves.toBe('deadline');
  });

  it('keeps nothing of a finished race while the deadline is pending (Promise.race kept every result)', async () => {
    const deadline = new RunDeadline(60_000);
    let result!: WeakRef<object>;
    await (async () => {
      const report = { checks: new Array(10_000).fill('a check') };
      result = new WeakRef(report);
      await deadline.race(Promise.resolve(report));
    })();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(result.deref()).toBeUndefined();
    deadline.clear();
  });
});
