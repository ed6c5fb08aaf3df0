// A loopback server for the cookie, redirect and auth tests: it sets the cookies it is asked to, redirects as asked,
// checks Basic and Digest credentials (RFC 7616, MD5, qop=auth, its own fixed nonce), echoes what it received, and
// records every request line so tests can count the hops a script made.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SessionServer {
  base: string;
  /** "METHOD /path?query" of every request, in order. */
  seen: string[];
  close(): Promise<void>;
}

const NONCE = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
const REALM = 'engine-test';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function digestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    out[m[1]!] = m[2] ?? m[3] ?? '';
  }
  return out;
}

/**
 * Routes: /echo (method, url, headers, body); /set?c=<Set-Cookie>&c=... (those headers, then echo);
 * /redirect?to=URL&status=302[&c=<Set-Cookie>]; /chain/N (N hops of 302 down to /echo);
 * /slow/MS[?to=URL] (after MS ms: a 302 to URL, or echo); /basic/USER/PASS (200 when Authorization matches, else
 * 401); /digest/USER/PASS (401 challenge, then checks).
 */
export async function startSessionServer(): Promise<SessionServer> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(`${req.method} ${url.pathname}${url.search}`);
      const json = (status: number, payload: unknown, headers: Record<string, string | string[]> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const echo = () => ({ method: req.method, url: req.url, headers: req.headers, body });
      const cookies = url.searchParams.getAll('c');
      const [, route, a, b] = url.pathname.split('/');
      if (route === 'set') return json(200, echo(), { 'Set-Cookie': cookies });
      if (route === 'redirect') {
        const status = Number(url.searchParams.get('status') ?? 302);
        return json(status, {}, { Location: url.searchParams.get('to') ?? '/echo', 'Set-Cookie': cookies });
      }
      if (route === 'slow') {
        const target = url.searchParams.get('to');
        setTimeout(() => (target ? json(302, {}, { Location: target }) : json(200, echo())), Number(a));
        return;
      }
      if (route === 'chain') {
        const n = Number(a);
        return json(302, {}, { Location: n <= 1 ? '/echo' : `/chain/${n - 1}` });
      }
      if (route === 'basic') {
        const expected = `Basic ${Buffer.from(`${a}:${b}`).toString('base64')}`;
        return req.headers.authorization === expected ? json(200, { user: a }) : json(401, { error: 'basic' });
      }
      if (route === 'digest') {
        const p = digestParams(req.headers.authorization ?? '');
        const ha1 = md5(`${a}:${REALM}:${b}`);
        const ha2 = md5(`${req.method}:${p['uri']}`);
        const ok =
          p['username'] === a &&
          p['nonce'] === NONCE &&
          p['uri'] === req.url &&
          p['response'] === md5(`${ha1}:${NONCE}:${p['nc']}:${p['cnonce']}:${p['qop']}:${ha2}`);
        if (ok) return json(200, { user: a, authenticated: true });
        return json(
          401,
          { error: 'digest' },
          {
            'WWW-Authenticate': `Digest realm="${REALM}", qop="auth", nonce="${NONCE}", opaque="5ccc069c403ebaf9"`,
          },
        );
      }
      return json(200, echo());
    });
  });
  server.keepAliveTimeout = 30000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
