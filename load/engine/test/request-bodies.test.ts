// Request bodies built from a JS object (issue 19): the form's repeated keys and multipart/form-data, read back from
// what a loopback server received — the multipart body is split on its boundary here, independently of the engine.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { runFixture } from './helpers.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}
const received = new Map<string, Received>();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.set(req.url ?? '', { headers: req.headers, body: Buffer.concat(chunks) });
    res.end('ok');
  });
});
let base = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

interface Part {
  headers: Record<string, string>;
  data: Buffer;
}

/** RFC 7578 by hand: the parts between `--boundary` delimiters, each with its headers and raw bytes. */
function parseMultipart(r: Received): { boundary: string; parts: Part[] } {
  const m = /^multipart\/form-data; boundary=(\S+)$/.exec(r.headers['content-type'] ?? '');
  assert.ok(m, `multipart content type with a boundary, got ${r.headers['content-type']}`);
  const boundary = m[1]!;
  const text = r.body.toString('latin1'); // one char per byte, so indexes are byte offsets
  assert.ok(text.endsWith(`\r\n--${boundary}--\r\n`) || text.endsWith(`--${boundary}--\r\n`), 'closing delimiter');
  const sections = text.split(`--${boundary}`).slice(1, -1);
  const parts = sections.map((s) => {
    assert.ok(s.startsWith('\r\n') && s.endsWith('\r\n'), 'each part sits between CRLFs');
    const inner = s.slice(2, -2);
    const split = inner.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of inner.slice(0, split).split('\r\n')) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    return { headers, data: Buffer.from(inner.slice(split + 4), 'latin1') };
  });
  return { boundary, parts };
}

const disposition = (p: Part) => p.headers['content-disposition'];

test('object bodies: repeated form keys, multipart parts with files and bytes, clear errors', async () => {
  const run = await runFixture('request-bodies.ts', { env: { BASE: base } });
  assert.ok(run.summary, run.error);
  assert.deepEqual(
    run.summary.root_group.checks.filter((c) => c.fails > 0).map((c) => c.name),
    [],
    run.stderr,
  );
  assert.equal(run.summary.root_group.checks.length, 3);

  const form = received.get('/form')!;
  assert.equal(form.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(form.body.toString(), 'a=1&a=2&b=x%20y&n=3');

  const { parts } = parseMultipart(received.get('/multipart')!);
  assert.deepEqual(parts.map(disposition), [
    'form-data; name="field"',
    'form-data; name="unicode"',
    'form-data; name="text"; filename="hello.txt"',
    'form-data; name="bin"; filename="bytes.bin"',
    'form-data; name="list"; filename="a.bin"',
    'form-data; name="list"; filename="b.txt"',
    'form-data; name="unnamed"; filename="unnamed"',
  ]);
  assert.equal(parts[0]!.data.toString(), 'plain value');
  assert.equal(parts[1]!.data.toString('utf8'), 'é☃');
  assert.equal(parts[2]!.headers['content-type'], 'text/plain');
  assert.equal(parts[2]!.data.toString(), 'hello, file');
  assert.equal(parts[3]!.headers['content-type'], 'application/octet-stream');
  assert.deepEqual(
    [...parts[3]!.data],
    Array.from({ length: 256 }, (_, i) => i),
    'all 256 byte values intact',
  );
  assert.deepEqual([...parts[4]!.data], [1, 2, 3]);
  assert.equal(parts[5]!.data.toString(), 'second');
  assert.equal(parts[6]!.data.toString(), 'no filename');

  // All-text multipart takes the text path (no base64); same wire format.
  const text = parseMultipart(received.get('/multipart-text')!);
  assert.equal(text.parts.length, 1);
  assert.equal(text.parts[0]!.data.toString(), 'only text');

  // The script's own multipart Content-Type gets the boundary it lacked, under the header name it used.
  const own = parseMultipart(received.get('/multipart-own-header')!);
  assert.equal(own.parts[0]!.data.toString(), 'x');
  assert.ok(!received.has('/never'), 'a refused body is not sent');
});
