// Remote modules on loopback only: an HTTPS server signed by the test CA (NODE_EXTRA_CA_CERTS, read at process start,
// so the CLI runs in a child process) serves a module that imports a relative sibling and k6; the first run fetches
// both into a fresh cache folder, an --offline run then works from the cache alone, and an uncached --offline import
// or a failed fetch is one line naming the URL and how to vendor it. Nothing here reaches a real host.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testCa, tlsDir } from '../../../config/test/fixtures/network.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const modules: Record<string, string> = {
  '/lib/greet.js':
    "import { check } from 'k6';\nimport { suffix } from './suffix.js';\nimport umd from './umd.js';\nexport function greet(n) { check(n, { 'remote module ran': () => true }); return umd.shout('hello ' + n + suffix); }\n",
  // The shape of papaparse's jslib build: a UMD wrapper assigning module.exports.
  '/lib/umd.js':
    "(function (root, factory) { if (typeof module === 'object' && module.exports) module.exports = factory(); else root.Umd = factory(); })(this, function () { return { shout: (s) => s.toUpperCase() }; });\n",
  '/lib/suffix.js': "export const suffix = '!';\n",
};
let server: Server;
let base = '';
const hits: string[] = [];

before(async () => {
  server = createServer(
    { cert: readFileSync(join(tlsDir, 'server.crt')), key: readFileSync(join(tlsDir, 'server.key')) },
    (req, res) => {
      hits.push(req.url ?? '');
      const body = modules[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'application/javascript' });
      res.end(body ?? 'not found');
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function engine(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', './cli/ts-register.js', 'load/engine/cli.ts', 'run', '-q', ...args],
      {
        cwd: root,
        env: { ...process.env, K6_ENGINE: 'node', NODE_EXTRA_CA_CERTS: testCa, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

function script(dir: string, url: string): string {
  const file = join(dir, 'uses-remote.js');
  writeFileSync(
    file,
    `import { greet } from '${url}';\nexport const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };\nexport default function () { console.log(greet('vu')); }\n`,
  );
  return file;
}

test('fetched once into the cache, bundled with its relative import; --offline then runs from the cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remote-'));
  const cache = join(dir, 'cache');
  const file = script(dir, `${base}/lib/greet.js`);
  const first = await engine([file], { K6_ENGINE_CACHE_DIR: cache });
  assert.equal(first.code, 0, first.out);
  assert.match(first.out, /HELLO VU!/);
  assert.deepEqual(hits.slice(-3).sort(), ['/lib/greet.js', '/lib/suffix.js', '/lib/umd.js']);
  assert.equal(readdirSync(cache).filter((f) => f.endsWith('.js')).length, 3);
  const seen = hits.length;
  const offline = await engine(['--offline', file], { K6_ENGINE_CACHE_DIR: cache });
  assert.equal(offline.code, 0, offline.out);
  assert.match(offline.out, /HELLO VU!/);
  assert.equal(hits.length, seen, 'the offline run fetched nothing');
});

test('http:// module URLs are refused unless K6_ENGINE_REMOTE_HTTP_LOOPBACK=1 allows 127.0.0.1 (tests only)', async () => {
  const plain = createHttpServer((_req, res) => res.end("export const word = 'plain';\n"));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/m.js`;
  const dir = mkdtempSync(join(tmpdir(), 'remote-'));
  const file = join(dir, 'plain.js');
  writeFileSync(file, `import { word } from '${url}';\nexport default function () { console.log(word); }\n`);
  const env = { K6_ENGINE_CACHE_DIR: join(dir, 'cache') };
  try {
    const refused = await engine([file], env);
    assert.equal(refused.code, 107, refused.out);
    assert.match(refused.out, /import "http:\/\/127\.0\.0\.1:\d+\/m\.js" is not available/);
    const allowed = await engine([file], { ...env, K6_ENGINE_REMOTE_HTTP_LOOPBACK: '1' });
    assert.equal(allowed.code, 0, allowed.out);
    assert.match(allowed.out, /plain/);
  } finally {
    plain.close();
  }
});

test('not cached under --offline, or a failed fetch: exit 107, one line with the URL and how to vendor it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remote-'));
  const env = { K6_ENGINE_CACHE_DIR: join(dir, 'cache') };
  const url = `${base}/lib/greet.js`;
  const offline = await engine(['--offline', script(dir, url)], env);
  assert.equal(offline.code, 107, offline.out);
  assert.match(offline.out, /is not available: --offline and not in the cache/);
  assert.match(
    offline.out,
    new RegExp(`curl -fsSL ${url} -o lib/lib-greet\\.js\\) and import "\\./lib/lib-greet\\.js" instead`),
  );
  const missing = await engine([script(dir, `${base}/lib/nope.js`)], env);
  assert.equal(missing.code, 107, missing.out);
  assert.match(
    missing.out,
    /import "https:\/\/127\.0\.0\.1:\d+\/lib\/nope\.js" is not available: fetching it failed \(HTTP 404\)/,
  );
  assert.doesNotMatch(missing.out + offline.out, /\n\s+at /, 'no stack trace');
});
