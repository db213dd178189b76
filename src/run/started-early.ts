/**
 * Marks work started ahead of the step that awaits it (an archive read, a git fetch) so that it
 * overlaps the downloads. Its failure is reported where it is awaited; until then — or if a
 * release stops before that — it must not count as an unhandled rejection.
 */
export function startedEarly<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}
