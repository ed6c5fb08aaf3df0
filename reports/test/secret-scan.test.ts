import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { scanForSecrets } from '../secret-scan.ts';
import { tempPaths } from './helpers.ts';

const password = 'Reference-Only-Passw0rd!';
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig';
const spaced = 'correct horse&battery';

test('finds a secret in any file, nested, raw or encoded, and never echoes it', () => {
  const { root } = tempPaths('scan-');
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  writeFileSync(join(root, 'a', 'b', 'trace.json'), JSON.stringify({ body: `{"password":"${password}"}` }));
  writeFileSync(join(root, 'a', 'url.txt'), `login?password=${encodeURIComponent(spaced)}`);
  writeFileSync(
    join(root, 'bin.dat'),
    Buffer.concat([Buffer.from([0, 255, 1]), Buffer.from(token), Buffer.from(token)]),
  );
  writeFileSync(join(root, 'clean.html'), '<p>password: ***</p>');
  // A compressed metrics stream: the secret is not in its bytes, only in what they decompress to.
  writeFileSync(join(root, 'metrics.ndjson.gz'), gzipSync(`{"tags":{"password":"${password}"}}\n`));
  const r = scanForSecrets(root, [password, token, spaced]);
  assert.equal(r.filesScanned, 5);
  const where = r.hits.map((h) => `${h.file.slice(root.length)}:${h.secretIndex}:${h.form}:${h.count}`).sort();
  assert.deepEqual(where, [
    '/a/b/trace.json:0:raw:1',
    '/a/url.txt:2:url-encoded:1',
    '/bin.dat:1:raw:2',
    '/metrics.ndjson.gz:0:raw:1',
  ]);
  assert.doesNotMatch(JSON.stringify(r), /Passw0rd|eyJhbGci|horse/);
});

test('a clean folder has no hit; too-short secrets are refused', () => {
  const { root } = tempPaths('scan-');
  writeFileSync(join(root, 'report.html'), '<p>all good</p>');
  assert.deepEqual(scanForSecrets(root, [password]).hits, []);
  assert.throws(() => scanForSecrets(root, ['abc']), /shorter than 6 characters/);
});
