// k6/http's authentication end to end on the engine: fixtures/auth.ts names each behaviour as a check; the samples
// (credentials never in a tag, a digest request is two samples and its 401 challenge is expected) come from
// --out json. The digest answer itself is also checked against RFC 2617's worked example.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { HostApi } from '../src/vu/host-api.ts';
import { digestAuthorization, digestChallenge } from '../src/vu/modules/http-auth.ts';
import { runFixture } from './helpers.ts';
import { startSessionServer, type SessionServer } from './session-server.ts';

let server: SessionServer;
before(async () => (server = await startSessionServer()));
after(() => server.close());

type Tags = Record<string, string>;

test('auth: URL credentials as Basic, digest in two requests, clear errors; no credentials in any tag', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'engine-auth-')), 'out.ndjson');
  const r = await runFixture('auth.ts', { env: { BASE: server.base }, jsonOut: file });
  assert.equal(r.error, '');
  assert.ok(r.summary, r.stderr);
  const checks = r.summary.root_group.checks;
  assert.deepEqual(
    checks.filter((c) => c.fails > 0 || c.passes === 0).map((c) => c.name),
    [],
    r.stderr,
  );
  assert.equal(checks.length, 11);
  const text = readFileSync(file, 'utf8');
  assert.doesNotMatch(text, /:\/\/[^/"]*@/, 'no URL with credentials in any tag');
  assert.match(text, /"url":"http:\/\/127\.0\.0\.1:\d+\/basic\/alice\/s3cret"/);
  const points = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; metric: string; data: { value: number; tags: Tags } })
    .filter((l) => l.type === 'Point');
  const reqs = (kind: string) =>
    points.filter((p) => p.metric === 'http_reqs' && p.data.tags['kind'] === kind).map((p) => p.data.tags);
  const failed = (kind: string) =>
    points.filter((p) => p.metric === 'http_req_failed' && p.data.tags['kind'] === kind).map((p) => p.data.value);
  assert.deepEqual(
    reqs('basic').map((t) => [t['url'], t['name']]),
    [[`${server.base}/basic/alice/s3cret`, `${server.base}/basic/alice/s3cret`]],
  );
  // Digest: the challenge (401, expected as k6 expects it) and the answer (200), two samples.
  assert.deepEqual(
    reqs('digest').map((t) => [t['status'], t['expected_response']]),
    [
      ['401', 'true'],
      ['200', 'true'],
    ],
  );
  assert.deepEqual(failed('digest'), [0, 0]);
  // A wrong password: the challenge is still expected, the final 401 is a failed request.
  assert.deepEqual(failed('digest-wrong'), [0, 1]);
  const digestLines = server.seen.filter((l) => l.startsWith('GET /digest/'));
  assert.deepEqual(digestLines, [
    'GET /digest/dave/pw?x=1',
    'GET /digest/dave/pw?x=1',
    'GET /digest/dave/pw',
    'GET /digest/dave/pw',
  ]);
});

test('auth: the checks can fail — a server that ignores credentials fails them', async () => {
  const r = await runFixture('auth.ts', { env: { BASE: `${server.base}/echo?` } });
  assert.ok(r.summary);
  const failed = r.summary.root_group.checks.filter((c) => c.fails > 0).map((c) => c.name);
  assert.ok(failed.includes('URL credentials become Basic auth'), failed.join('\n'));
  assert.ok(failed.includes('digest: challenge answered, 200'), failed.join('\n'));
});

test('digest: the answer to RFC 2617`s worked example (MD5, qop=auth) is the RFC`s response', () => {
  const md5Host = {
    digest: (alg: string, dataB64: string) => createHash(alg).update(Buffer.from(dataB64, 'base64')).digest('hex'),
    utf8ToB64: (t: string) => Buffer.from(t).toString('base64'),
    // The RFC's client nonce 0a4f113b, as the 8 random bytes' hex would come out: we pin it to check the response.
    randomBytesB64: () => Buffer.from('0a4f113b', 'hex').toString('base64'),
  } as unknown as HostApi;
  const challenge = digestChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  assert.ok(challenge);
  const header = digestAuthorization(md5Host, challenge, 'GET', '/dir/index.html', {
    user: 'Mufasa',
    password: 'Circle Of Life',
  });
  assert.match(header, /response="6629fae49393a05397450978507c4ef1"/);
  assert.match(header, /^Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b71/);
  assert.match(header, /qop=auth, .*opaque="5ccc069c403ebaf9f0171e9517f40e41", algorithm=MD5$/);
  assert.equal(digestChallenge('Basic realm="x"'), undefined);
  assert.throws(
    () => digestAuthorization(md5Host, { nonce: 'n', qop: 'auth-int' }, 'GET', '/', { user: 'u', password: 'p' }),
    /only "auth" is supported/,
  );
});
