// The proxy decision (config/proxy.ts) on a table of Go's ProxyFromEnvironment rules, which k6 follows. The contract
// client, Playwright's proxy option, the load CLI's probe and the local engine all take their decision from here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Env } from '../proxy.ts';
import { proxyAuthorization, proxyFor, proxySettingsFromEnv, redactProxy } from '../proxy.ts';

const P = 'http://proxy.test:3128';
const Q = 'http://other-proxy.test:8080';

/** [environment, target URL, expected proxy (origin) or 'direct'] */
const table: Array<[Env, string, string]> = [
  // Which variable applies: by the target's scheme, never a fallback to the other one.
  [{ HTTPS_PROXY: P }, 'https://auth.example.com/api/auth/login', P],
  [{ HTTPS_PROXY: P }, 'http://auth.example.com/api/auth/login', 'direct'],
  [{ HTTP_PROXY: P }, 'http://auth.example.com/', P],
  [{ HTTP_PROXY: P }, 'https://auth.example.com/', 'direct'],
  [{ HTTP_PROXY: Q, HTTPS_PROXY: P }, 'http://auth.example.com/', Q],
  // Upper case first, lower case when the upper one is unset or empty.
  [{ HTTPS_PROXY: P, https_proxy: Q }, 'https://auth.example.com/', P],
  [{ HTTPS_PROXY: '', https_proxy: Q }, 'https://auth.example.com/', Q],
  [{ http_proxy: Q }, 'http://auth.example.com/', Q],
  // A value without a scheme means http://.
  [{ HTTPS_PROXY: 'proxy.test:3128' }, 'https://auth.example.com/', P],
  // Loopback is never proxied (Go), whatever NO_PROXY says; names that merely look local are.
  [{ HTTPS_PROXY: P, HTTP_PROXY: P }, 'http://localhost:8080/', 'direct'],
  [{ HTTPS_PROXY: P, HTTP_PROXY: P }, 'https://localhost/', 'direct'],
  [{ HTTPS_PROXY: P, HTTP_PROXY: P }, 'http://127.0.0.1:8080/', 'direct'],
  [{ HTTPS_PROXY: P, HTTP_PROXY: P }, 'http://127.5.6.7/', 'direct'],
  [{ HTTPS_PROXY: P, HTTP_PROXY: P }, 'http://[::1]:8080/', 'direct'],
  [{ HTTPS_PROXY: P }, 'https://localhost.example.com/', P],
  [{ HTTPS_PROXY: P }, 'https://127.0.0.1.nip.io/', P],
  // NO_PROXY: *, domains with their subdomains, leading dot or *. = subdomains only, ports, IPs, CIDRs.
  [{ HTTPS_PROXY: P, NO_PROXY: '*' }, 'https://auth.example.com/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: 'example.com' }, 'https://auth.example.com/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: 'example.com' }, 'https://example.com/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: 'example.com' }, 'https://notexample.com/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: '.example.com' }, 'https://auth.example.com/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: '.example.com' }, 'https://example.com/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: '*.example.com' }, 'https://a.b.example.com/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: '*.example.com' }, 'https://example.com/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: 'example.com:8443' }, 'https://example.com:8443/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: 'example.com:8443' }, 'https://example.com/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: ' Other.test , EXAMPLE.com ' }, 'https://Auth.Example.com/', 'direct'],
  [{ HTTPS_PROXY: P, no_proxy: 'example.com' }, 'https://auth.example.com/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: 'other.test', no_proxy: 'example.com' }, 'https://auth.example.com/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, 'https://10.1.2.3/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, 'https://11.0.0.1/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: '192.168.1.10' }, 'https://192.168.1.10:8443/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: '192.168.1.10:443' }, 'https://192.168.1.10:8443/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: '192.168.1.10' }, 'https://192.168.1.11/', P],
  [{ HTTPS_PROXY: P, NO_PROXY: '2001:db8::1' }, 'https://[2001:db8::1]/', 'direct'],
  [{ HTTPS_PROXY: P, NO_PROXY: 'fd00::/8' }, 'https://[fd12::5]/', 'direct'],
  // TEST_PROXY_LOOPBACK=1 (tests only) lifts the loopback rule; NO_PROXY still applies.
  [{ HTTP_PROXY: P, TEST_PROXY_LOOPBACK: '1' }, 'http://127.0.0.1:8080/', P],
  [{ HTTPS_PROXY: P, TEST_PROXY_LOOPBACK: '1' }, 'https://localhost:8443/', P],
  [{ HTTP_PROXY: P, TEST_PROXY_LOOPBACK: '1', NO_PROXY: '127.0.0.1' }, 'http://127.0.0.1:8080/', 'direct'],
  [{ HTTP_PROXY: P, TEST_PROXY_LOOPBACK: '0' }, 'http://127.0.0.1:8080/', 'direct'],
  // Nothing configured: always direct.
  [{}, 'https://auth.example.com/', 'direct'],
];

describe('proxyFor: Go ProxyFromEnvironment rules', () => {
  for (const [env, url, expected] of table) {
    it(`${JSON.stringify(env)} ${url} -> ${expected}`, () => {
      const proxy = proxyFor(url, proxySettingsFromEnv(env));
      assert.equal(proxy === undefined ? 'direct' : proxy.origin, expected);
    });
  }
});

describe('proxy credentials', () => {
  it('become a Basic Proxy-Authorization header (percent-decoded), and none without them', () => {
    const settings = proxySettingsFromEnv({ HTTPS_PROXY: 'http://qa:p%40ss@proxy.test:3128' });
    const proxy = settings.https?.url;
    assert.ok(proxy);
    assert.equal(proxyAuthorization(proxy), `Basic ${Buffer.from('qa:p@ss').toString('base64')}`);
    assert.equal(proxyAuthorization(new URL(P)), undefined);
  });

  it('are redacted wherever a proxy URL is printed', () => {
    assert.equal(redactProxy('http://qa:secret@proxy.test:3128'), 'http://***@proxy.test:3128');
    assert.equal(redactProxy('qa:secret@proxy.test:3128'), '***@proxy.test:3128');
    assert.equal(redactProxy(P), P);
  });
});
