// A base URL with a path prefix (an API gateway) through the load side: the one joining rule (load/lib/url.ts) that
// the k6 script, its lib and the load CLI's readiness probe use, the remote-host guard, and the probe itself through a
// loopback proxy (TEST_PROXY_LOOPBACK=1, tests only: k6's rules never proxy loopback).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { proxySettingsFromEnv } from '../../config/proxy.ts';
import { startProxy, startTarget } from '../../config/test/fixtures/network.ts';
import type { LoopbackProxy, LoopbackTarget } from '../../config/test/fixtures/network.ts';
import { LoadInputError } from '../../load/lib/input-error.ts';
import { assertLoadAllowed, parseTargetUrl } from '../../load/lib/target-guard.ts';
import { joinUrl, loginUrl } from '../../load/lib/url.ts';
import { probeReadiness } from '../../load/runner/run.ts';

describe('joinUrl / loginUrl', () => {
  const cases: Array<[string, string, string]> = [
    ['https://auth.example.com', '/api/auth/login', 'https://auth.example.com/api/auth/login'],
    ['https://auth.example.com/', '/api/auth/login', 'https://auth.example.com/api/auth/login'],
    ['https://gw.example.com/auth-service', '/api/auth/login', 'https://gw.example.com/auth-service/api/auth/login'],
    ['https://gw.example.com/auth-service/', 'api/auth/login', 'https://gw.example.com/auth-service/api/auth/login'],
    [
      'https://gw.example.com/auth-service///',
      '//api/auth/login',
      'https://gw.example.com/auth-service/api/auth/login',
    ],
    ['http://127.0.0.1:8080', '/api/auth/login', 'http://127.0.0.1:8080/api/auth/login'],
  ];
  for (const [base, path, expected] of cases) {
    it(`${base} + ${path}`, () => assert.equal(joinUrl(base, path), expected));
  }
  it('loginUrl appends the login path and keeps the prefix', () => {
    assert.equal(
      loginUrl('https://gw.example.com/auth-service/'),
      'https://gw.example.com/auth-service/api/auth/login',
    );
  });
});

describe('remote-host guard with a path prefix', () => {
  it('judges the host only, and keeps the prefix in the base URL', () => {
    const target = parseTargetUrl('https://gw.example.com/auth-service/');
    assert.deepEqual(target, { baseUrl: 'https://gw.example.com/auth-service', host: 'gw.example.com' });
    assert.throws(() => assertLoadAllowed(target, []), LoadInputError);
    assert.doesNotThrow(() => assertLoadAllowed(target, ['gw.example.com']));
    assert.doesNotThrow(() => assertLoadAllowed(parseTargetUrl('http://127.0.0.1:8080/auth-service'), []));
  });
});

describe('load CLI readiness probe', () => {
  let target: LoopbackTarget;
  let proxy: LoopbackProxy;
  before(async () => {
    [target, proxy] = await Promise.all([startTarget('http'), startProxy()]);
  });
  after(() => Promise.all([target.close(), proxy.close()]));

  it('probes the login path under the prefix', async () => {
    await probeReadiness(`${target.url}/auth-service/`, 1, proxySettingsFromEnv({}));
    assert.equal(target.seen.at(-1), 'POST /auth-service/api/auth/login');
  });

  it('goes through HTTP_PROXY as k6 would (loopback only with the test override)', async () => {
    await probeReadiness(`${target.url}/auth-service`, 1, proxySettingsFromEnv({ HTTP_PROXY: proxy.url }));
    assert.equal(proxy.forwarded.length, 0, 'loopback is never proxied by k6 rules');
    await probeReadiness(
      `${target.url}/auth-service`,
      1,
      proxySettingsFromEnv({ HTTP_PROXY: proxy.url, TEST_PROXY_LOOPBACK: '1' }),
    );
    assert.deepEqual(proxy.forwarded, [`POST ${target.url}/auth-service/api/auth/login`]);
  });

  it('an untrusted certificate or a refusing proxy says what to set', async () => {
    const tls = await startTarget('https');
    const guarded = await startProxy({ authorization: 'Basic never' });
    try {
      // This test process started without NODE_EXTRA_CA_CERTS, so the private test CA is not trusted.
      await assert.rejects(
        probeReadiness(tls.url, 1, proxySettingsFromEnv({})),
        /is not ready: .* got no answer \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\); its certificate is not trusted: set NODE_EXTRA_CA_CERTS/,
      );
      await assert.rejects(
        probeReadiness(target.url, 1, proxySettingsFromEnv({ HTTP_PROXY: guarded.url, TEST_PROXY_LOOPBACK: '1' })),
        /got status 407 .*; check HTTPS_PROXY \/ HTTP_PROXY \/ NO_PROXY$/,
      );
    } finally {
      await Promise.all([tls.close(), guarded.close()]);
    }
  });

  it('a dead proxy is a not-ready target, in one line', async () => {
    const dead = await startProxy();
    await dead.close();
    await assert.rejects(
      probeReadiness(target.url, 1, proxySettingsFromEnv({ HTTP_PROXY: dead.url, TEST_PROXY_LOOPBACK: '1' })),
      /is not ready: .* got no answer \(ECONNREFUSED\)/,
    );
  });
});
