import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { JsonOutput } from '../src/json-output.ts';
import { Registry } from '../src/metrics.ts';
import { runFixture, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

test('--out json writes k6 JSON lines: a Metric record before the first Point of each metric, system tags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-json-'));
  const file = join(dir, 'metrics.ndjson');
  const summaryExport = join(dir, 'export.json');
  const r = await runFixture('thresholds.ts', { env: { BASE: server.base }, jsonOut: file, summaryExport });
  assert.equal(r.exitCode, 0);
  interface Line {
    type: string;
    metric: string;
    data: { time: string; value: number; tags: Record<string, string>; type: string; contains: string };
  }
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  const seen = new Set<string>();
  for (const l of lines) {
    if (l.type === 'Metric') seen.add(l.metric);
    else {
      assert.equal(l.type, 'Point');
      assert.ok(seen.has(l.metric), `Metric line precedes the points of ${l.metric}`);
      assert.ok(!Number.isNaN(Date.parse(l.data.time)));
      assert.equal(typeof l.data.value, 'number');
    }
  }
  const metricLine = lines.find((l) => l.type === 'Metric' && l.metric === 'http_req_duration')!;
  assert.deepEqual(
    { type: metricLine.data.type, contains: metricLine.data.contains },
    { type: 'trend', contains: 'time' },
  );
  const req = lines.find((l) => l.type === 'Point' && l.metric === 'http_reqs')!;
  const tags = req.data.tags;
  for (const t of ['method', 'url', 'name', 'status', 'proto', 'scenario', 'group', 'expected_response']) {
    assert.ok(t in tags, `system tag ${t}`);
  }
  assert.equal(tags['name'], 'ok');
  const legacy = JSON.parse(readFileSync(summaryExport, 'utf8')) as {
    metrics: Record<string, Record<string, unknown>>;
  };
  // k6's legacy export marks a threshold true when it FAILED
  assert.equal((legacy.metrics['th_gauge']!['thresholds'] as Record<string, boolean>)['value==5'], false);
});

test('--out json=FILE.gz writes the same lines gzip-compressed as they are written (k6 does so for a .gz name)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-json-gz-'));
  const plain = join(dir, 'metrics.ndjson');
  const gz = join(dir, 'metrics.ndjson.gz');
  const [a, b] = [
    await runFixture('thresholds.ts', { env: { BASE: server.base }, jsonOut: plain }),
    await runFixture('thresholds.ts', { env: { BASE: server.base }, jsonOut: gz }),
  ];
  assert.equal(a.exitCode, 0);
  assert.equal(b.exitCode, 0);
  const raw = readFileSync(gz);
  assert.deepEqual([...raw.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic bytes: the file is compressed');
  assert.ok(!existsSync(`${gz}.partial`), 'the partial file was renamed');
  // Same kinds of records (times, latencies and gauge sample counts differ between two runs).
  const shape = (text: string): string[] =>
    [
      ...new Set(
        text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { type: string; metric: string })
          .map((l) => `${l.type} ${l.metric}`),
      ),
    ].sort();
  assert.deepEqual(shape(gunzipSync(raw).toString('utf8')), shape(readFileSync(plain, 'utf8')));
});

test('the text summary names thresholds, checks and metric groups like k6', async () => {
  const r = await runFixture('k6-core.ts');
  for (const part of [
    '█ THRESHOLDS',
    '█ TOTAL RESULTS',
    'checks_total',
    '✓ root check passes',
    '✗ outer check fails',
    'CUSTOM',
    'EXECUTION',
  ]) {
    assert.ok(r.stdout.includes(part), part);
  }
});

test('--out json warns once, live, when lines pile up in memory faster than the file takes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-json-backlog-'));
  const warnings: string[] = [];
  // A tiny threshold stands for a slow disk: a burst of synchronous writes queues in the stream before any is flushed.
  const out = new JsonOutput(join(dir, 'm.ndjson'), new Registry([]), [], (w) => warnings.push(w), 64 * 1024);
  const samples: [string, number, Record<string, string>, number][] = [];
  for (let i = 0; i < 2000; i++)
    samples.push(['http_reqs', 1, { name: 'login', url: `http://127.0.0.1/${i}` }, Date.now()]);
  out.write(samples);
  out.write(samples);
  out.write(samples);
  assert.equal(warnings.length, 1, 'one warning, not one per write');
  assert.match(warnings[0]!, /^--out json: \d+ MB of lines wait in memory for .*m\.ndjson: the disk is slower/);
  assert.ok(out.peakBacklog > 64 * 1024, `peak backlog ${out.peakBacklog}`);
  await out.close();
  assert.equal(readFileSync(join(dir, 'm.ndjson'), 'utf8').trim().split('\n').length, 6001, 'nothing lost');

  const calm: string[] = [];
  const small = new JsonOutput(join(dir, 'calm.ndjson'), new Registry([]), [], (w) => calm.push(w));
  small.write(samples.slice(0, 10));
  await small.close();
  assert.deepEqual(calm, [], 'no warning under the real threshold');
});
