import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createDeflate, gunzipSync } from 'node:zlib';

/** The object id the fake host advertises for every tag. */
const OID = '1'.repeat(40);
const FLUSH = Buffer.from('0000');
const DELIM = Buffer.from('0001');

function pkt(data: string | Buffer): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from((bytes.length + 4).toString(16).padStart(4, '0')), bytes]);
}

/** A pack entry header: type and size, as git writes it (the size in 4 bits, then 7 bits a byte). */
function entryHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (size % 16);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest % 128;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/** Sends a packfile section with one blob claiming `claimed` bytes, then its deflated bytes for ever. */
function streamEndlessPack(res: ServerResponse, claimed: number): void {
  const head = Buffer.concat([Buffer.from('PACK'), Buffer.from([0, 0, 0, 2, 0, 0, 0, 1]), entryHeader(3, claimed)]);
  res.write(
    Buffer.concat([
      pkt('shallow-info\n'),
      pkt(`shallow ${OID}\n`),
      DELIM,
      pkt('packfile\n'),
      pkt(Buffer.concat([Buffer.from([1]), head])),
    ]),
  );
  // Stored (level 0) deflate: what git writes into its temporary pack grows as fast as it is sent.
  const deflate = createDeflate({ level: 0 });
  const zeros = Buffer.alloc(64 * 1024);
  deflate.on('data', (data: Buffer) => {
    for (let at = 0; at < data.length; at += 65_000) {
      if (!res.write(pkt(Buffer.concat([Buffer.from([1]), data.subarray(at, at + 65_000)])))) {
        deflate.pause();
        res.once('drain', () => deflate.resume());
      }
    }
  });
  const pump = () => {
    if (res.destroyed) return;
    while (deflate.write(zeros));
    deflate.once('drain', pump);
  };
  res.on('close', () => deflate.destroy());
  pump();
}

/** Answers a fetch with progress messages (side band 2) for ever, which git copies to its stderr. */
function streamEndlessMessages(res: ServerResponse): void {
  res.write(Buffer.concat([pkt('shallow-info\n'), pkt(`shallow ${OID}\n`), DELIM, pkt('packfile\n')]));
  const line = pkt(Buffer.concat([Buffer.from([2]), Buffer.from(`${'x'.repeat(1000)}\n`)]));
  const pump = () => {
    while (!res.destroyed)
      if (!res.write(Buffer.concat(new Array<Buffer>(100).fill(line)))) return void res.once('drain', pump);
  };
  pump();
}

/** Advertises refs for ever, a thousand at a time. */
function streamEndlessRefs(res: ServerResponse): void {
  let next = 0;
  const pump = () => {
    while (!res.destroyed) {
      const batch = Array.from({ length: 1000 }, () => pkt(`${OID} refs/tags/endless-${next++}\n`));
      if (!res.write(Buffer.concat(batch))) return void res.once('drain', pump);
    }
  };
  pump();
}

function answer(req: IncomingMessage, res: ServerResponse, body: Buffer, claimed: number, endless: Endless): void {
  if ((req.url ?? '').includes('/info/refs')) {
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement', 'cache-control': 'no-cache' });
    const capabilities = [
      'version 2\n',
      'agent=git/endless\n',
      'ls-refs\n',
      'fetch=shallow filter\n',
      'object-format=sha1\n',
    ].map(pkt);
    res.end(Buffer.concat([pkt('# service=git-upload-pack\n'), FLUSH, ...capabilities, FLUSH]));
    return;
  }
  const request = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('latin1');
  res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result', 'cache-control': 'no-cache' });
  if (request.includes('command=ls-refs') && endless === 'refs') return streamEndlessRefs(res);
  if (request.includes('command=ls-refs')) {
    const tags = [...request.matchAll(/ref-prefix refs\/tags\/([^\n]+)\n/g)].map((match) => match[1]!);
    res.end(Buffer.concat([...tags.map((tag) => pkt(`${OID} refs/tags/${tag}\n`)), FLUSH]));
    return;
  }
  if (endless === 'messages') streamEndlessMessages(res);
  else streamEndlessPack(res, claimed);
}

type Endless = 'pack' | 'refs' | 'messages';

/**
 * A git host over smart HTTP (protocol v2). With `pack` it has every tag asked for and answers a
 * fetch with a pack whose one object claims `claimed` bytes (100 GiB by default), and then streams
 * it for ever; with `refs` it advertises refs for ever; with `messages` it answers a fetch with
 * progress messages for ever.
 */
export async function startEndlessGitHost(
  endless: Endless = 'pack',
  claimed = 100 * 1024 ** 3,
): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks), claimed, endless));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/django/django.git`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
