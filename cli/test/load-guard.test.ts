// The remote-load guard: loopback only, unless ALLOW_REMOTE_LOAD names the exact host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadInputError } from '../../load/lib/input-error.ts';
import { assertLoadAllowed, isLoopbackHost, parseAllowList, parseTargetUrl } from '../../load/lib/target-guard.ts';

describe('target guard', () => {
  for (const url of ['http://127.0.0.1:8080', 'http://localhost:3000/', 'http://[::1]:9000', 'http://127.1.2.3']) {
    it(`allows loopback ${url}`, () => {
      assert.doesNotThrow(() => assertLoadAllowed(parseTargetUrl(url), []));
    });
  }

  for (const url of [
    'https://platform.verolabs.co',
    'http://127.0.0.1.nip.io',
    'http://localhost.evil.test',
    'http://10.0.0.5:8080',
    'http://0.0.0.0:8080',
  ]) {
    it(`refuses ${url} unless named in ALLOW_REMOTE_LOAD`, () => {
      const target = parseTargetUrl(url);
      assert.throws(
        () => assertLoadAllowed(target, parseAllowList('other.example.com')),
        (e: unknown) => e instanceof LoadInputError && e.message.includes(`ALLOW_REMOTE_LOAD=${target.host}`),
      );
      assert.doesNotThrow(() =>
        assertLoadAllowed(target, parseAllowList(` other.example.com, ${target.host.toUpperCase()} `)),
      );
    });
  }

  it('rejects URLs that could hide the real host', () => {
    for (const url of ['http://127.0.0.1@evil.test', 'ftp://127.0.0.1', 'http://127.0.0.1/?x=1', '127.0.0.1:80', '']) {
      assert.throws(() => parseTargetUrl(url), LoadInputError, url);
    }
  });

  it('knows what loopback is', () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('127.256.0.1'), false);
    assert.equal(isLoopbackHost('128.0.0.1'), false);
  });
});
