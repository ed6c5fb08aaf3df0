// The compatibility suite's stand-in for the services k6's documented examples call (test.k6.io, httpbin, quickpizza),
// on loopback: JSON, status codes, delays, echo, redirects, cookies, Basic auth and an HTML page with a form.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CompatServer {
  base: string;
  close(): Promise<void>;
}

const PAGE = `<html><head><title>Stand-in shop</title></head><body>
<h1 class="title">Products</h1><ul><li class="item" data-id="1">Pizza</li><li class="item" data-id="2">Pasta</li></ul>
<a href="/ok" id="home">home</a>
<form action="/echo" method="POST"><input name="csrf" value="tok-123"><input name="user" value=""></form>
</body></html>`;

export async function startCompatServer(): Promise<CompatServer> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      const json = (status: number, payload: unknown, headers: Record<string, string | string[]> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(req.method === 'HEAD' ? undefined : JSON.stringify(payload));
      };
      const m = /^\/(status|slow|redirect|items)\/(\d+)$/.exec(path);
      if (m?.[1] === 'status') return json(Number(m[2]), { status: Number(m[2]) });
      if (m?.[1] === 'slow') return void setTimeout(() => json(200, { slept: Number(m[2]) }), Number(m[2]));
      if (m?.[1] === 'redirect') {
        const n = Number(m[2]);
        res.writeHead(302, { Location: n > 1 ? `/redirect/${n - 1}` : '/ok' });
        return void res.end();
      }
      if (m?.[1] === 'items') return json(200, { id: Number(m[2]), name: `item ${m[2]}` });
      if (path === '/echo') {
        return json(200, {
          method: req.method,
          headers: req.headers,
          body,
          query: Object.fromEntries(url.searchParams),
        });
      }
      if (path === '/set-cookie') {
        const cookies = [...url.searchParams].map(([k, v]) => `${k}=${v}; Path=/`);
        return json(200, { set: cookies.length }, { 'Set-Cookie': cookies });
      }
      if (path === '/cookies') {
        const pairs = (req.headers.cookie ?? '').split(/;\s*/).filter(Boolean);
        return json(200, { cookies: Object.fromEntries(pairs.map((p) => p.split('=') as [string, string])) });
      }
      const basic = /^\/basic\/([^/]+)\/([^/]+)$/.exec(path);
      if (basic) {
        const want = `Basic ${Buffer.from(`${basic[1]}:${basic[2]}`).toString('base64')}`;
        return req.headers.authorization === want
          ? json(200, { authenticated: true })
          : json(401, { authenticated: false });
      }
      if (path === '/html') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return void res.end(PAGE);
      }
      json(200, { ok: true, nested: { list: [1, 2, 3], name: 'stand-in' } });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
