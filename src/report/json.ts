import type { ReportSource } from './model.js';
import type { TextSink } from './sink.js';

/**
 * The JSON report, schema crosscheck/report@1 (documented in the README), written a release at a
 * time: the bytes are those of JSON.stringify(report, null, 2), which a test holds it to.
 */
export async function writeJson(source: ReportSource, out: TextSink): Promise<void> {
  const empty = `${JSON.stringify({ ...source.head, releases: [] }, null, 2)}\n`;
  const closing = '[]\n}\n';
  if (source.summaries.length === 0) return out.write(empty);
  await out.write(`${empty.slice(0, -closing.length)}[\n`);
  let first = true;
  for await (const release of source.releases()) {
    const indented = JSON.stringify(release, null, 2).replace(/^/gm, '    ');
    await out.write(first ? indented : `,\n${indented}`);
    first = false;
  }
  await out.write('\n  ]\n}\n');
}
