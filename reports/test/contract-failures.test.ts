// The load report's "Contract under load" section: failing login_contract_ok / login_identity_ok samples are counted,
// placed in time and shown with their problem and a redacted excerpt; passing samples are skipped unparsed.
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildLoadReport } from '../load-report/build.ts';
import { makeRun, tempPaths } from './helpers.ts';

const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function point(metric: string, atMs: number, value: number, tags: Record<string, string>): string {
  const time = new Date(atMs).toISOString();
  return JSON.stringify({ type: 'Point', data: { time, value, tags }, metric });
}

/** Appends lines to the run's metrics stream, gzipped or not. */
function appendToStream(dir: string, lines: string[]): void {
  const file = readdirSync(dir).find((f) => /^metrics.*\.ndjson(\.gz)?$/.test(f));
  assert.ok(file, `no metrics stream in ${dir}`);
  const path = join(dir, file);
  const text = `${lines.join('\n')}\n`;
  if (file.endsWith('.gz'))
    writeFileSync(path, gzipSync(Buffer.concat([gunzipSync(readFileSync(path)), Buffer.from(text)])));
  else appendFileSync(path, text);
}

test('the contract section counts failures, places them in time and shows redacted examples', async () => {
  const paths = tempPaths();
  const dir = makeRun(paths, 'run-contract');
  const start = Date.parse('2026-12-04T08:00:00Z');
  const lines: string[] = [];
  for (let i = 0; i < 200; i++)
    lines.push(point('login_contract_ok', start + i * 100, 1, { status: '200', name: 'login' }));
  for (let i = 0; i < 14; i++) {
    const failing = {
      status: '200',
      problem: '$.session.expires_at: must match format "date-time"',
      body: `{"jwt":"${jws}"}`,
    };
    lines.push(point('login_contract_ok', start + 5000 + i * 1000, 0, i < 12 ? failing : { status: '200' }));
  }
  lines.push(
    point('login_identity_ok', start + 9000, 0, {
      status: '200',
      problem: "identity.traits.email is another account's",
    }),
  );
  appendToStream(dir, lines);
  const { htmlPath, analysis } = await buildLoadReport([dir]);
  const c = analysis.contract;
  assert.deepEqual(c.failures, { login_contract_ok: 14, login_identity_ok: 1 });
  assert.equal(c.examples.length, 10, 'at most 10 examples');
  assert.ok(
    c.examples.every((e, i) => i === 0 || e.atMs >= c.examples[i - 1]!.atMs),
    'in time order',
  );
  assert.equal(c.firstMs, start + 5000);
  assert.equal(c.lastMs, start + 18000);
  const html = readFileSync(htmlPath, 'utf8');
  assert.match(html, /id="contract"/);
  assert.match(html, /<b>14<\/b> broke the pinned contract/);
  assert.match(html, /must match format &quot;date-time&quot;/);
  assert.ok(!html.includes(jws) && !JSON.stringify(analysis).includes(jws), 'no token reaches the report');
});

test('a run with no contract failure says so', async () => {
  const paths = tempPaths();
  const dir = makeRun(paths, 'run-clean');
  const { htmlPath, analysis } = await buildLoadReport([dir]);
  assert.deepEqual(analysis.contract.failures, { login_contract_ok: 0, login_identity_ok: 0 });
  assert.match(readFileSync(htmlPath, 'utf8'), /No login response broke the contract/);
});
