import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSpec, pinnedSpecPath, SpecError } from '../validator/spec.ts';

test('the pinned spec loads, conforms to the OpenAPI 3.0 schema and is identified', () => {
  const spec = loadSpec();
  assert.equal(spec.title, 'VOS OMS Public API');
  assert.match(spec.sha256, /^[0-9a-f]{64}$/);
});

test('a broken document is refused with one clear line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spec-'));
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, readFileSync(pinnedSpecPath, 'utf8').replace('openapi: 3.0.3', 'openapi: 3.0.3\nbogus: 1'));
  assert.throws(
    () => loadSpec(broken),
    (e: unknown) => e instanceof SpecError && /OpenAPI 3\.0 schema/.test(e.message) && !e.message.includes('\n'),
  );
  const notYaml = join(dir, 'bad.yaml');
  writeFileSync(notYaml, 'openapi: [');
  assert.throws(() => loadSpec(notYaml), /not valid YAML/);
  assert.throws(() => loadSpec(join(dir, 'missing.yaml')), /cannot read.*ENOENT/);
  const noInfo = join(dir, 'noinfo.yaml');
  writeFileSync(noInfo, 'openapi: 3.0.3\npaths: {}\n');
  assert.throws(() => loadSpec(noInfo), /info/);
});
