// Flags and REFERENCE_* variables: defaults, precedence, and one clear line for each bad value.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseIdentityOptions, parseServerOptions, UsageError } from '../options.ts';

const TLS_CERT = fileURLToPath(new URL('fixtures/tls/server.crt', import.meta.url));
const TLS_KEY = fileURLToPath(new URL('fixtures/tls/server.key', import.meta.url));

describe('server options', () => {
  test('defaults', () => {
    const o = parseServerOptions([], {});
    assert.deepEqual(
      { ...o },
      {
        help: false,
        listDefects: false,
        port: 0,
        addedLatencyMs: 0,
        failRate: 0,
        hashCost: 'owasp',
        loadAccounts: 200,
        accountsOut: undefined,
        upstream: { kind: 'managed' },
        defect: undefined,
        jsonDuplicates: 'reject',
        lockoutAfter: 0,
        lockoutSeconds: 900,
        rateLimit: 0,
        jitterMs: 0,
        tls: undefined,
        sessionCookie: undefined,
        exitOnStdinClose: false,
      },
    );
  });

  test('flags (both spellings) win over the environment', () => {
    const o = parseServerOptions(['--port', '4100', '--fail-rate=0.25', '--upstream', 'tcp://127.0.0.1:4200'], {
      REFERENCE_PORT: '4000',
      REFERENCE_HASH_COST: 'fast',
      REFERENCE_DEFECT: 'no-cache-control',
    });
    assert.equal(o.port, 4100);
    assert.equal(o.failRate, 0.25);
    assert.equal(o.hashCost, 'fast');
    assert.equal(o.defect, 'no-cache-control');
    assert.deepEqual(o.upstream, { kind: 'url', url: 'tcp://127.0.0.1:4200' });
    assert.deepEqual(parseServerOptions(['--upstream', 'dead'], {}).upstream, { kind: 'dead' });
    assert.equal(parseServerOptions([], { REFERENCE_JSON_DUPLICATES: 'last' }).jsonDuplicates, 'last');
    const lockout = parseServerOptions(['--lockout-after', '5'], { REFERENCE_LOCKOUT_S: '60' });
    assert.deepEqual([lockout.lockoutAfter, lockout.lockoutSeconds], [5, 60]);
    assert.equal(parseServerOptions(['--rate-limit=50'], { REFERENCE_RATE_LIMIT: '10' }).rateLimit, 50);
    assert.equal(parseServerOptions([], { REFERENCE_JITTER_MS: '250' }).jitterMs, 250);
    assert.equal(parseServerOptions(['--session-cookie', 'oms_session'], {}).sessionCookie, 'oms_session');
    assert.equal(parseServerOptions([], { REFERENCE_SESSION_COOKIE: 'sid' }).sessionCookie, 'sid');
    assert.equal(
      parseServerOptions(['--json-duplicates', 'reject'], { REFERENCE_JSON_DUPLICATES: 'last' }).jsonDuplicates,
      'reject',
    );
  });

  test('--tls-cert and --tls-key (or their variables) read and check the PEM pair', () => {
    const tls = parseServerOptions(['--tls-cert', TLS_CERT], { REFERENCE_TLS_KEY: TLS_KEY }).tls;
    assert.deepEqual(
      { certFile: tls?.certFile, keyFile: tls?.keyFile, cert: tls?.cert, key: tls?.key },
      { certFile: TLS_CERT, keyFile: TLS_KEY, cert: readFileSync(TLS_CERT), key: readFileSync(TLS_KEY) },
    );
  });

  const bad: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['unknown flag', ['--prot', '1'], {}, /unknown flag --prot/],
    ['stray argument', ['4100'], {}, /unexpected argument "4100"/],
    ['missing value', ['--port'], {}, /--port needs a value/],
    ['flag as value', ['--port', '--defect'], {}, /--port needs a value/],
    ['port not a number', ['--port', 'abc'], {}, /--port="abc" must be an integer from 0 to 65535/],
    ['port too big', ['--port', '70000'], {}, /from 0 to 65535/],
    ['env port', [], { REFERENCE_PORT: '-1' }, /REFERENCE_PORT="-1" must be an integer/],
    ['fail rate > 1', ['--fail-rate', '1.5'], {}, /--fail-rate="1.5" must be a number from 0 to 1/],
    ['fail rate text', [], { REFERENCE_FAIL_RATE: 'lots' }, /REFERENCE_FAIL_RATE="lots"/],
    ['hash cost', ['--hash-cost', 'cheap'], {}, /--hash-cost="cheap" must be one of: owasp, fast/],
    ['too many accounts', ['--load-accounts', '10000'], {}, /from 0 to 9999/],
    ['latency', ['--added-latency-ms', '1.5'], {}, /--added-latency-ms="1.5" must be an integer/],
    [
      'unknown defect',
      ['--defect', 'nope'],
      {},
      /--defect="nope" is not a known defect \(list them with --list-defects\)/,
    ],
    ['upstream not a URL', ['--upstream', 'somewhere'], {}, /must be managed, dead or a loopback identity address/],
    ['upstream not loopback', ['--upstream', 'tcp://example.com:80'], {}, /loopback identity address like tcp:/],
    ['upstream over HTTP', ['--upstream', 'http://127.0.0.1:80'], {}, /framed JSON over TCP, not HTTP/],
    ['upstream with a path', ['--upstream', 'tcp://127.0.0.1:80/x'], {}, /no path/],
    ['upstream without a port', ['--upstream', 'tcp://127.0.0.1'], {}, /like tcp:\/\/127\.0\.0\.1:4100/],
    ['json duplicates', ['--json-duplicates', 'first'], {}, /--json-duplicates="first" must be reject .* or last/],
    ['env json duplicates', [], { REFERENCE_JSON_DUPLICATES: 'LAST' }, /REFERENCE_JSON_DUPLICATES="LAST" must be/],
    ['lockout count', ['--lockout-after', 'three'], {}, /--lockout-after="three" must be an integer from 0 to 1000/],
    [
      'lockout duration 0',
      [],
      { REFERENCE_LOCKOUT_S: '0' },
      /REFERENCE_LOCKOUT_S="0" must be an integer from 1 to 86400/,
    ],
    ['rate limit fraction', ['--rate-limit', '0.5'], {}, /--rate-limit="0.5" must be an integer from 0 to 1000000/],
    ['jitter too big', ['--jitter-ms', '10001'], {}, /--jitter-ms="10001" must be an integer from 0 to 10000/],
    [
      'tls cert alone',
      ['--tls-cert', TLS_CERT],
      {},
      /--tls-cert needs its pair: pass both --tls-cert FILE and --tls-key/,
    ],
    ['tls key alone', [], { REFERENCE_TLS_KEY: TLS_KEY }, /REFERENCE_TLS_KEY needs its pair/],
    [
      'tls file unreadable',
      ['--tls-cert', '/nonexistent/server.crt', '--tls-key', TLS_KEY],
      {},
      /--tls-cert="\/nonexistent\/server\.crt" cannot be read \(ENOENT\): pass a readable PEM file/,
    ],
    [
      'tls not PEM',
      ['--tls-cert', TLS_CERT, '--tls-key', fileURLToPath(import.meta.url)],
      {},
      /--tls-cert=".*" and --tls-key=".*options\.test\.ts" are not a PEM certificate and its private key/,
    ],
    ['boolean with a value', ['--list-defects=yes'], {}, /--list-defects takes no value/],
    [
      'session cookie name',
      ['--session-cookie', 'my session'],
      {},
      /--session-cookie="my session" must be a cookie name/,
    ],
    ['session cookie without a name', ['--session-cookie'], {}, /--session-cookie needs a value/],
  ];
  for (const [name, argv, env, message] of bad) {
    test(`${name}: one clear line`, () => {
      assert.throws(
        () => parseServerOptions(argv, env),
        (error: unknown) => error instanceof UsageError && message.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});

describe('identity options', () => {
  test('defaults and validation', () => {
    assert.equal(parseIdentityOptions([], {}).maxSessions, 10_000);
    assert.equal(parseIdentityOptions(['--session-ttl-s', '5'], {}).sessionTtlSeconds, 5);
    assert.throws(
      () => parseIdentityOptions(['--max-sessions', '0'], {}),
      /--max-sessions="0" must be an integer from 1/,
    );
    assert.throws(() => parseIdentityOptions(['--upstream', 'dead'], {}), /unknown flag --upstream/);
  });
});
