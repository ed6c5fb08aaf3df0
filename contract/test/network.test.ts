// Remote targets as users have them, on loopback: a base URL with a path prefix, HTTPS signed by a private CA
// (NODE_EXTRA_CA_CERTS), and an HTTP(S) proxy from the environment, for the byte-exact client (support/http.ts) and
// for Playwright's request fixture in a real worker. The proxy is a loopback test proxy that counts what passes;
// TEST_PROXY_LOOPBACK=1 (tests only) lets loopback targets use it, which k6's rules never do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { proxySettingsFromEnv } from '../../config/proxy.ts';
import { startProxy, startTarget, testCa } from '../../config/test/fixtures/network.ts';
import type { LoopbackProxy, LoopbackTarget } from '../../config/test/fixtures/network.ts';
import { endpoint, send, transportHint } from '../support/http.ts';
import { playwrightProxy } from '../support/proxy.ts';

const prefix = '/auth-service';
const loginLine = `POST ${prefix}/api/auth/login`;

/** Runs a command from the repository root with exactly `env` on top of PATH/HOME; bounded. */
function run(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

describe('endpoint: base URL + login path (one owner: load/lib/url.ts)', () => {
  const cases: Array<[string, string, string]> = [
    ['https://auth.example.com', '/api/auth/login', 'https://auth.example.com/api/auth/login'],
    ['https://auth.example.com/', '/api/auth/login', 'https://auth.example.com/api/auth/login'],
    ['https://gw.example.com/auth-service', '/api/auth/login', 'https://gw.example.com/auth-service/api/auth/login'],
    ['https://gw.example.com/auth-service/', '/api/auth/login', 'https://gw.example.com/auth-service/api/auth/login'],
    ['https://gw.example.com/a/b//', 'api/auth/login', 'https://gw.example.com/a/b/api/auth/login'],
    ['http://127.0.0.1:8080', '/api/auth/login', 'http://127.0.0.1:8080/api/auth/login'],
  ];
  for (const [base, path, expected] of cases) {
    it(`${base} + ${path}`, () => assert.equal(endpoint(base, path), expected));
  }
});

describe('byte-exact client: path prefix and proxy (in-process, plain HTTP)', () => {
  let target: LoopbackTarget;
  let proxy: LoopbackProxy;
  let guarded: LoopbackProxy;
  before(async () => {
    [target, proxy, guarded] = await Promise.all([
      startTarget('http'),
      startProxy(),
      startProxy({ authorization: `Basic ${Buffer.from('qa:pw').toString('base64')}` }),
    ]);
  });
  after(() => Promise.all([target.close(), proxy.close(), guarded.close()]));

  const post = (settings: Record<string, string>) =>
    send({
      method: 'POST',
      url: endpoint(`${target.url}${prefix}/`, '/api/auth/login'),
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 5_000,
      proxy: proxySettingsFromEnv(settings),
    });

  it('keeps the path prefix, direct', async () => {
    const exchange = await post({});
    assert.equal(exchange.response.status, 400);
    assert.equal(target.seen.at(-1), loginLine);
  });

  it('loopback stays direct even with HTTP_PROXY set (k6 rules)', async () => {
    const forwarded = proxy.forwarded.length;
    await post({ HTTP_PROXY: proxy.url });
    assert.equal(proxy.forwarded.length, forwarded);
    assert.equal(proxy.connections(), 0);
  });

  it('goes through HTTP_PROXY in absolute-form when loopback may be proxied (test override)', async () => {
    const exchange = await post({ HTTP_PROXY: proxy.url, TEST_PROXY_LOOPBACK: '1' });
    assert.equal(exchange.response.status, 400);
    assert.deepEqual(proxy.forwarded, [`POST ${target.url}${prefix}/api/auth/login`]);
    assert.equal(target.seen.at(-1), loginLine);
    assert.equal(exchange.request.url, `${target.url}${prefix}/api/auth/login`);
  });

  it('NO_PROXY exempts the target', async () => {
    const forwarded = proxy.forwarded.length;
    await post({ HTTP_PROXY: proxy.url, TEST_PROXY_LOOPBACK: '1', NO_PROXY: '127.0.0.1' });
    assert.equal(proxy.forwarded.length, forwarded);
  });

  it('sends the proxy credentials as Proxy-Authorization, never in the recorded request', async () => {
    const proxyUrl = guarded.url.replace('http://', 'http://qa:pw@');
    const exchange = await post({ HTTP_PROXY: proxyUrl, TEST_PROXY_LOOPBACK: '1' });
    assert.equal(exchange.response.status, 400);
    assert.equal(guarded.forwarded.length, 1);
    assert.deepEqual(Object.keys(exchange.request.headers).sort(), ['accept', 'content-length', 'content-type']);
    const refused = await post({
      HTTP_PROXY: guarded.url.replace('http://', 'http://qa:wrong@'),
      TEST_PROXY_LOOPBACK: '1',
    });
    assert.equal(refused.response.status, 407);
  });
});

describe('HTTPS with a private CA, through a CONNECT proxy (child processes: Node reads NODE_EXTRA_CA_CERTS at start)', () => {
  let target: LoopbackTarget;
  let proxy: LoopbackProxy;
  let outputDir: string;
  before(async () => {
    [target, proxy] = await Promise.all([startTarget('https'), startProxy()]);
    outputDir = mkdtempSync(join(tmpdir(), 'contract-network-'));
  });
  after(async () => {
    await Promise.all([target.close(), proxy.close()]);
    rmSync(outputDir, { recursive: true, force: true });
  });

  const sendScript = ['--import', './cli/ts-register.js', 'contract/test/fixtures/network/send.ts'];
  const url = () => `${target.url}${prefix}/api/auth/login`;

  it('byte-exact client: refuses the private CA without NODE_EXTRA_CA_CERTS', async () => {
    const { out } = await run([...sendScript, url()], {});
    assert.match(
      out,
      /"error":"(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)"/,
    );
  });

  it('byte-exact client: trusts it with NODE_EXTRA_CA_CERTS, and tunnels through HTTPS_PROXY', async () => {
    const direct = await run([...sendScript, url()], { NODE_EXTRA_CA_CERTS: testCa });
    assert.match(direct.out, /"status":400/);
    assert.equal(proxy.tunnels.length, 0);
    const tunnelled = await run([...sendScript, url()], {
      NODE_EXTRA_CA_CERTS: testCa,
      HTTPS_PROXY: proxy.url,
      TEST_PROXY_LOOPBACK: '1',
    });
    assert.match(tunnelled.out, /"status":400/);
    assert.deepEqual(proxy.tunnels, [target.url.replace('https://', '')]);
    assert.equal(target.seen.at(-1), loginLine);
  });

  it('byte-exact client: a proxy refusing the tunnel is one clear error', async () => {
    const guarded = await startProxy({ authorization: 'Basic never' });
    try {
      const { out } = await run([...sendScript, url()], {
        NODE_EXTRA_CA_CERTS: testCa,
        HTTPS_PROXY: guarded.url.replace('http://', 'http://qa:secret@'),
        TEST_PROXY_LOOPBACK: '1',
      });
      assert.match(
        out,
        /"error":"proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+\/ refused CONNECT 127\.0\.0\.1:\d+: 407 Proxy Authentication Required"/,
      );
      assert.doesNotMatch(out, /secret/);
      assert.equal(guarded.refused.length, 1);
    } finally {
      await guarded.close();
    }
  });

  const playwright = (env: Record<string, string>) =>
    run(
      [
        join('node_modules', '@playwright', 'test', 'cli.js'),
        'test',
        '-c',
        'contract/test/fixtures/network/playwright.config.ts',
      ],
      { NETWORK_TARGET: `${target.url}${prefix}`, NETWORK_OUTPUT_DIR: outputDir, ...env },
    );

  it('Playwright worker: request fixture and byte-exact client trust NODE_EXTRA_CA_CERTS and use the proxy', async () => {
    const tunnels = proxy.tunnels.length;
    const seen = target.seen.length;
    const { code, out } = await playwright({
      NODE_EXTRA_CA_CERTS: testCa,
      HTTPS_PROXY: proxy.url,
      TEST_PROXY_LOOPBACK: '1',
    });
    assert.equal(code, 0, out);
    assert.match(out, /2 passed/);
    // One tunnel for the request fixture, one for the byte-exact client; both requests kept the prefix.
    assert.equal(proxy.tunnels.length - tunnels, 2, out);
    assert.deepEqual(target.seen.slice(seen), [loginLine, loginLine]);
  });

  it('Playwright worker: both fail on the private CA without NODE_EXTRA_CA_CERTS', async () => {
    const { code, out } = await playwright({});
    assert.notEqual(code, 0);
    assert.match(out, /2 failed/);
    assert.match(out, /self-signed certificate in certificate chain|SELF_SIGNED_CERT_IN_CHAIN|unable to verify/i);
  });
});

describe('transportHint: what a failed probe should tell the user to check', () => {
  it('points at NODE_EXTRA_CA_CERTS for certificate errors, at the proxy variables for proxy errors', () => {
    for (const code of [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      assert.match(transportHint(code) ?? '', /NODE_EXTRA_CA_CERTS/, code);
    }
    assert.match(transportHint('proxy http://p.test/ refused CONNECT a.test:443: 407') ?? '', /HTTPS_PROXY/);
    assert.equal(transportHint('ECONNREFUSED'), undefined);
  });
});

describe("Playwright's use.proxy from the per-target decision", () => {
  const settings = (env: Record<string, string>) => proxySettingsFromEnv(env);
  it('no proxy when no target is proxied (unset, loopback, NO_PROXY)', () => {
    assert.equal(playwrightProxy(settings({}), ['https://auth.example.com']), undefined);
    assert.equal(playwrightProxy(settings({ HTTPS_PROXY: 'http://p.test:3128' }), ['http://127.0.0.1:9']), undefined);
    assert.equal(
      playwrightProxy(settings({ HTTPS_PROXY: 'http://p.test:3128', NO_PROXY: 'example.com' }), [
        'https://auth.example.com',
      ]),
      undefined,
    );
  });

  it('the proxy of the proxied targets, credentials apart, direct targets bypassed', () => {
    assert.deepEqual(
      playwrightProxy(settings({ HTTPS_PROXY: 'http://qa:p%40ss@p.test:3128', NO_PROXY: 'fault.test' }), [
        'https://auth.example.com/prefix',
        'https://fault.test',
        undefined,
      ]),
      { server: 'http://p.test:3128', bypass: 'fault.test', username: 'qa', password: 'p@ss' },
    );
  });

  it('refuses, in one line, what one Playwright proxy cannot express', () => {
    assert.throws(
      () =>
        playwrightProxy(settings({ HTTPS_PROXY: 'http://p.test:3128', HTTP_PROXY: 'http://q.test:3128' }), [
          'https://a.test',
          'http://b.test',
        ]),
      /the targets need different proxies .*set HTTPS_PROXY and HTTP_PROXY to the same proxy/,
    );
    assert.throws(
      () =>
        playwrightProxy(settings({ HTTPS_PROXY: 'http://p.test:3128', NO_PROXY: 'example.com:8443' }), [
          'https://auth.example.com',
          'https://example.com:8443',
        ]),
      /NO_PROXY sends example\.com direct but another target under it through the proxy/,
    );
  });
});
