import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/model/errors.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { HttpClient } from '../../src/io/http.js';
import { OriginMap } from '../../src/io/origins.js';

/**
 * Malformed answers written byte for byte on the socket. Each must end as an unavailable check
 * with its reason (or be read as it is, where HTTP allows it), never as an internal error: an
 * untyped error here became INTERNAL, and one thrown in a socket callback ended the run.
 */
const ANSWERS: [string, string | Buffer, 'ok' | string][] = [
  [
    'a status of 000 (undici asserts statusCode >= 100)',
    'HTTP/1.1 000 Zero\r\nContent-Length: 0\r\n\r\n',
    'HTTP_ERROR',
  ],
  [
    '101 to a GET',
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\nhello',
    'HTTP_TRUNCATED',
  ],
  [
    '103 before the answer',
    'HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    'ok',
  ],
  ['204', 'HTTP/1.1 204 No Content\r\n\r\n', 'HTTP_STATUS'],
  ['a status of 999', 'HTTP/1.1 999 Weird\r\nContent-Length: 0\r\n\r\n', 'HTTP_STATUS'],
  ['two Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok', 'HTTP_TRUNCATED'],
  [
    'Content-Length and chunked',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    'HTTP_TRUNCATED',
  ],
  [
    'a chunk size that is not hex',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n',
    'HTTP_ERROR',
  ],
  ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok', 'HTTP_ERROR'],
  ['a Content-Length with a space', 'HTTP/1.1 200 OK\r\nContent-Length: 2 \r\n\r\nok', 'HTTP_FRAMING'],
  ['40 KB of headers', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(40_000)}\r\nContent-Length: 2\r\n\r\nok`, 'HTTP_ERROR'],
  ['a NUL in a header', 'HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\nok', 'HTTP_ERROR'],
  ['not HTTP at all', 'this is not http\r\n\r\n', 'HTTP_ERROR'],
  [
    'a Location that is no URL',
    'HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n',
    'HTTP_REDIRECT_POLICY',
  ],
  [
    'two Locations',
    'HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n',
    'HTTP_REDIRECT_POLICY',
  ],
  [
    'Content-Encoding: identity, gzip',
    'HTTP/1.1 200 OK\r\nContent-Encoding: identity, gzip\r\nContent-Length: 2\r\n\r\nok',
    'HTTP_CONTENT_ENCODING',
  ],
  ['an HTTP/1.0 body ended by the close', 'HTTP/1.0 200 OK\r\n\r\nbody until close', 'HTTP_FRAMING'],
];

describe('malformed HTTP answers', () => {
  let answer: string | Buffer = '';
  let url = '';
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(typeof answer === 'string' ? Buffer.from(answer, 'latin1') : answer));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
  });
  afterAll(() => {
    server.close();
  });

  it.each(ANSWERS)('%s ends as %s', async (_, bytes, expected) => {
    answer = bytes;
    const http = new HttpClient({ ...DEFAULT_LIMITS, requestDeadlineMs: 5_000, idleTimeoutMs: 2_000 }, new OriginMap());
    try {
      const result = await http
        .fetchBytes(url, { allowedOrigins: new Set([new URL(url).origin]), maxBytes: 1024 * 1024, channel: 'site' })
        .catch((error: unknown) => error);
      if (expected === 'ok') expect(result).toMatchObject({ bytes: Buffer.from('ok') });
      else {
        expect(result).toBeInstanceOf(UnavailableError);
        expect(result).toMatchObject({ reason: expected });
      }
    } finally {
      await http.close();
    }
  });
});

describe('a connection closed before any answer', () => {
  /** A server that closes the first `closing` connections as the request arrives, then answers. */
  async function withServer(
    closing: number,
    work: (url: string, connections: () => number) => Promise<void>,
  ): Promise<void> {
    let connections = 0;
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      const index = connections++;
      socket.once('data', () => {
        if (index < closing) socket.destroy();
        else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}/file`, () => connections);
    } finally {
      server.close();
    }
  }
  const fetchOnce = async (url: string) => {
    const http = new HttpClient({ ...DEFAULT_LIMITS }, new OriginMap());
    try {
      return await http
        .fetchBytes(url, { allowedOrigins: new Set([new URL(url).origin]), maxBytes: 1024, channel: 'site' })
        .catch((error: unknown) => error);
    } finally {
      await http.close();
    }
  };

  it('is sent again on a new connection: a kept-alive connection closed by the server as the request left', () =>
    withServer(2, async (url, connections) => {
      expect(await fetchOnce(url)).toMatchObject({ bytes: Buffer.from('ok') });
      expect(connections()).toBe(3);
    }));

  it('is sent at most three times in all, then ends HTTP_TRUNCATED', () =>
    withServer(10, async (url, connections) => {
      expect(await fetchOnce(url)).toMatchObject({ reason: 'HTTP_TRUNCATED' });
      expect(connections()).toBe(3);
    }));
});
