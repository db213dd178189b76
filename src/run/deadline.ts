/**
 * The run's deadline, raced by every release. Not Promise.race against one shared promise: that
 * promise keeps a reaction for every race until it settles, and each reaction keeps its race's
 * result, so every finished release's report stayed reachable until the run ended. Here a
 * finished release's waiter is dropped with it.
 */
export class RunDeadline {
  private readonly waiting = new Set<() => void>();
  private passed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly ms: number) {
    this.timer = setTimeout(() => {
      this.passed = true;
      for (const stop of this.waiting) stop();
      this.waiting.clear();
    }, ms);
    this.timer.unref();
  }

  /** The work's result, or 'deadline' when the deadline passes first. */
  race<T>(work: Promise<T>): Promise<T | 'deadline'> {
    if (this.passed) return Promise.resolve('deadline');
    return new Promise<T | 'deadline'>((resolve, reject) => {
      const stop = () => resolve('deadline');
      this.waiting.add(stop);
      work.then(
        (value) => {
          this.waiting.delete(stop);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(stop);
          reject(error);
        },
      );
    });
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
