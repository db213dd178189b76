import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';

const run = promisify(execFile);

/** Where CPython's tarfile places a member's data in the uncompressed tar. */
async function dataOffset(tar: string, member: string): Promise<{ offset: number; size: number }> {
  const script =
    'import sys,tarfile,json; m=tarfile.open(sys.argv[1]).getmember(sys.argv[2]); print(json.dumps([m.offset_data, m.size]))';
  const [offset, size] = JSON.parse((await run('python3', ['-c', script, tar, member])).stdout) as [number, number];
  return { offset, size };
}

/**
 * A copy of a real sdist with one member's bytes edited in place (same length, so every header
 * stays valid) or with a file appended — as an attacker would repack it.
 */
export async function editRealSdist(
  source: string,
  edit:
    { member: string; replace?: [string, string]; flipByteAt?: number } | { append: { name: string; content: string } },
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crosscheck-real-'));
  const tarPath = join(dir, 'sdist.tar');
  const tar = gunzipSync(await readFile(source));
  await writeFile(tarPath, tar);
  if ('append' in edit) {
    const script =
      'import sys,tarfile,io; t=tarfile.open(sys.argv[1],"a",format=tarfile.PAX_FORMAT); d=sys.argv[3].encode(); i=tarfile.TarInfo(sys.argv[2]); i.size=len(d); i.mode=0o644; t.addfile(i, io.BytesIO(d)); t.close()';
    await run('python3', ['-c', script, tarPath, edit.append.name, edit.append.content]);
  } else {
    const { offset, size } = await dataOffset(tarPath, edit.member);
    const bytes = await readFile(tarPath);
    if (edit.replace) {
      const [from, to] = edit.replace;
      if (from.length !== to.length) throw new Error('a same-length replacement keeps the headers valid');
      const at = bytes.subarray(offset, offset + size).indexOf(from);
      if (at < 0) throw new Error(`"${from}" is not in ${edit.member}`);
      bytes.write(to, offset + at, 'latin1');
    } else {
      const at = offset + (edit.flipByteAt ?? Math.floor(size / 2));
      bytes[at] = bytes[at]! ^ 0x01;
    }
    await writeFile(tarPath, bytes);
  }
  const out = join(dir, source.split('/').pop()!);
  await writeFile(out, gzipSync(await readFile(tarPath)));
  return out;
}
