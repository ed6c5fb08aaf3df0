// k6/experimental/fs and k6/experimental/csv with top-level await in the entry script, and their misuse.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFixture } from './helpers.ts';

test('fs.open + csv.parse / csv.Parser under top-level await: every documented behaviour holds', async () => {
  const run = await runFixture('fs-csv.ts');
  assert.equal(run.error, '');
  assert.ok(run.summary, run.stderr);
  const checks = run.summary.root_group.checks;
  assert.equal(checks.length, 7, run.stderr);
  assert.deepEqual(
    checks.filter((c) => c.fails > 0 || c.passes !== 1).map((c) => c.name),
    [],
    run.stderr,
  );
});

test('a missing file at top-level await is a script error naming it; misuse is one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-csv-'));
  const missing = join(dir, 'missing.ts');
  writeFileSync(
    missing,
    "import { open } from 'k6/experimental/fs';\nawait open('./nope.csv');\nexport default function () {}\n",
  );
  const r = await runFixture('', { script: missing });
  assert.equal(r.exitCode, 107);
  assert.match(r.error, /open\("\.\/nope\.csv"\): cannot read .*nope\.csv \(ENOENT\)/);
  const misuse = join(dir, 'misuse.ts');
  writeFileSync(
    misuse,
    [
      "import csv from 'k6/experimental/csv';",
      "import { open } from 'k6/experimental/fs';",
      'export const options = { iterations: 2 };',
      'export default async function () {',
      "  if (__ITER === 0) await open('./x.csv');",
      "  else await csv.parse('not a file');",
      '}',
    ].join('\n'),
  );
  const m = await runFixture('', { script: misuse });
  assert.match(m.stderr, /open\(\) of k6\/experimental\/fs can only be called in the init context/);
  assert.match(m.stderr, /csv\.parse: the first argument must be a File from k6\/experimental\/fs's open\(\)/);
});
