// The engine against remote targets as users have them, on loopback: HTTPS signed by a private CA
// (NODE_EXTRA_CA_CERTS), a base URL with a path prefix, and HTTP(S)_PROXY / NO_PROXY with k6's rules through a
// loopback test proxy that counts connections, tunnels and forwarded requests (TEST_PROXY_LOOPBACK=1, tests only, lets
// loopback use it; k6 never proxies loopback). Each case runs the CLI in a child process: Node reads
// NODE_EXTRA_CA_CERTS at start, and the I/O thread reads the proxy variables from its environment.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startProxy, startTarget, testCa } from '../../../config/test/fixtures/network.ts';
import type { LoopbackProxy, LoopbackTarget } from '../../../config/test/fixtures/network.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const script = 'load/engine/test/fixtures/login-prefix.ts';
const prefix = '/auth-service';
const loginLine = `POST ${prefix}/api/auth/login`;
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(https?_proxy|no_proxy|node_extra_ca_certs|ssl_cert_file|test_proxy_loopback)$/i.test(k),
  ),
);

/** The engine CLI in a child process (async: the loopback servers live in this process); bounded. */
function engine(env: Record<string, string>, args = ['run', '-q', script]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './cli/ts-register.js', 'load/engine/cli.ts', ...args], {
      cwd: root,
      env: { ...inherited, K6_ENGINE: 'node', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

const auth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const withCredentials = (url: string, credentials: string) => url.replace('http://', `http://${credentials}@`);

describe('engine: HTTPS with a private CA', () => {
  let target: LoopbackTarget;
  before(async () => (target = await startTarget('https')));
  after(() => target.close());

  it('refuses the private CA without NODE_EXTRA_CA_CERTS (TLS error, the run fails)', async () => {
    const { code, out } = await engine({ BASE: `${target.url}${prefix}` });
    assert.equal(code, 99, out);
    assert.match(
      out,
      /status 0 error ".*(self-signed certificate in certificate chain|unable to verify).*" code 1300/i,
    );
  });

  it('trusts it with NODE_EXTRA_CA_CERTS: three requests on one keep-alive connection, prefix kept', async () => {
    const seen = target.seen.length;
    const connections = target.connections();
    const { code, out } = await engine({
      BASE: `${target.url}${prefix}/`.replace(/\/$/, ''),
      NODE_EXTRA_CA_CERTS: testCa,
    });
    assert.equal(code, 0, out);
    assert.deepEqual(target.seen.slice(seen), [loginLine, loginLine, loginLine]);
    assert.equal(target.connections() - connections, 1);
  });

  it('an unreadable NODE_EXTRA_CA_CERTS is one line and exit 104', async () => {
    const { code, out } = await engine({ BASE: target.url, NODE_EXTRA_CA_CERTS: join(tmpdir(), 'no-such-ca.pem') });
    assert.equal(code, 104);
    assert.match(out, /NODE_EXTRA_CA_CERTS=".*no-such-ca\.pem" does not exist: point it at the PEM file/);
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
  });
});

describe('engine: HTTP(S)_PROXY and NO_PROXY', () => {
  let https: LoopbackTarget;
  let http: LoopbackTarget;
  let proxy: LoopbackProxy;
  let guarded: LoopbackProxy;
  before(async () => {
    [https, http, proxy, guarded] = await Promise.all([
      startTarget('https'),
      startTarget('http'),
      startProxy(),
      startProxy({ authorization: auth('qa', 'pw') }),
    ]);
  });
  after(() => Promise.all([https.close(), http.close(), proxy.close(), guarded.close()]));

  it('loopback stays direct with HTTPS_PROXY/HTTP_PROXY set (k6 rules)', async () => {
    const run = await engine({ BASE: `${http.url}${prefix}`, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
    assert.equal(run.code, 0, run.out);
    assert.equal(proxy.connections(), 0);
  });

  it('https through HTTPS_PROXY: one CONNECT tunnel for three keep-alive requests, prefix kept', async () => {
    const seen = https.seen.length;
    const run = await engine({
      BASE: `${https.url}${prefix}`,
      HTTPS_PROXY: proxy.url,
      TEST_PROXY_LOOPBACK: '1',
      NODE_EXTRA_CA_CERTS: testCa,
    });
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(proxy.tunnels, [https.url.replace('https://', '')]);
    assert.deepEqual(https.seen.slice(seen), [loginLine, loginLine, loginLine]);
  });

  it('http through HTTP_PROXY: absolute-form requests on one keep-alive connection to the proxy', async () => {
    const connections = proxy.connections();
    const run = await engine({ BASE: `${http.url}${prefix}`, HTTP_PROXY: proxy.url, TEST_PROXY_LOOPBACK: '1' });
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(proxy.forwarded, Array(3).fill(`POST ${http.url}${prefix}/api/auth/login`));
    assert.equal(proxy.connections() - connections, 1);
  });

  it('NO_PROXY exempts a target', async () => {
    const forwarded = proxy.forwarded.length;
    const run = await engine({
      BASE: http.url,
      HTTP_PROXY: proxy.url,
      TEST_PROXY_LOOPBACK: '1',
      NO_PROXY: 'example.com,127.0.0.1',
    });
    assert.equal(run.code, 0, run.out);
    assert.equal(proxy.forwarded.length, forwarded);
  });

  it('proxy credentials from the URL go as Proxy-Authorization, for http and for the CONNECT of https', async () => {
    const env = {
      HTTP_PROXY: withCredentials(guarded.url, 'qa:pw'),
      HTTPS_PROXY: withCredentials(guarded.url, 'qa:pw'),
      TEST_PROXY_LOOPBACK: '1',
      NODE_EXTRA_CA_CERTS: testCa,
    };
    assert.equal((await engine({ ...env, BASE: http.url })).code, 0);
    assert.equal((await engine({ ...env, BASE: https.url })).code, 0);
    assert.equal(guarded.forwarded.length, 3);
    assert.equal(guarded.tunnels.length, 1);
    assert.equal(guarded.refused.length, 0);
  });

  it('a refused CONNECT and a dead proxy fail the requests with Go-like errors', async () => {
    const refused = await engine({
      BASE: https.url,
      HTTPS_PROXY: withCredentials(guarded.url, 'qa:wrong'),
      TEST_PROXY_LOOPBACK: '1',
      NODE_EXTRA_CA_CERTS: testCa,
    });
    assert.equal(refused.code, 99);
    assert.match(refused.out, /error "Proxy Authentication Required"/);
    const dead = await startProxy();
    await dead.close();
    const unreachable = await engine({ BASE: http.url, HTTP_PROXY: dead.url, TEST_PROXY_LOOPBACK: '1' });
    assert.equal(unreachable.code, 99);
    assert.match(
      unreachable.out,
      /error "proxyconnect tcp: dial tcp 127\.0\.0\.1:\d+: connect: connection refused" code 1212/,
    );
  });

  it('a malformed proxy URL is one line naming the variable, exit 104, nothing sent', async () => {
    const run = await engine({ BASE: http.url, HTTPS_PROXY: 'http://qa:secret@proxy.example.test:99999' });
    assert.equal(run.code, 104);
    assert.match(run.out, /HTTPS_PROXY="http:\/\/\*\*\*@proxy\.example\.test:99999" is not a valid proxy URL/);
    assert.doesNotMatch(run.out, /secret|\n\s+at /);
  });
});

describe('engine launcher with real k6: NODE_EXTRA_CA_CERTS becomes SSL_CERT_FILE', () => {
  const bin = mkdtempSync(join(tmpdir(), 'fake-k6-'));
  // A stand-in k6 that reports the trust file it was given: its path, its certificate count, whether the CA is in it.
  const caLine = readFileSync(testCa, 'utf8').split('\n')[1] ?? '';
  writeFileSync(
    join(bin, 'k6'),
    `#!/bin/sh\necho "SSL_CERT_FILE=$SSL_CERT_FILE certs=$(grep -c 'BEGIN CERTIFICATE' "$SSL_CERT_FILE") ca=$(grep -c '${caLine}' "$SSL_CERT_FILE")"\n`,
  );
  chmodSync(join(bin, 'k6'), 0o755);
  const k6Env = { K6_ENGINE: 'k6', PATH: `${bin}:${process.env['PATH'] ?? ''}` };

  it('hands k6 a temporary bundle of Node roots + the CA, removed after the run', async () => {
    const { code, out } = await engine({ ...k6Env, NODE_EXTRA_CA_CERTS: testCa }, ['run', 'script.ts']);
    assert.equal(code, 0, out);
    const m = /SSL_CERT_FILE=(\S+k6-ca-bundle\.pem) certs=(\d+) ca=1/.exec(out);
    assert.ok(m, out);
    assert.ok(Number(m[2]) > 100, 'public roots kept');
    assert.equal(existsSync(m[1] ?? ''), false, 'bundle removed');
  });

  it("leaves the user's own SSL_CERT_FILE alone", async () => {
    const { out } = await engine({ ...k6Env, NODE_EXTRA_CA_CERTS: testCa, SSL_CERT_FILE: testCa }, ['run', 'x.ts']);
    assert.match(out, new RegExp(`SSL_CERT_FILE=${testCa} certs=1 ca=1`));
  });
});
