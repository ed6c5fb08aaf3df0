// The load report's "why" sections: error share and dropped iterations over time, latency against throughput, the
// split by the credential tag, the HTTP timing breakdown, and the link to k6's dashboard.html when the run has one.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeRun } from '../load-report/analyze.ts';
import { buildLoadReport } from '../load-report/build.ts';
import { RequestExtras } from '../load-report/request-extras.ts';
import { makeRun, tempPaths } from './helpers.ts';

test('requests split by credential: counts, KO and p95 per tag value; an expected 401 is not KO', async () => {
  const dir = makeRun(tempPaths(), 'tags', { wrongShare: 0.25, seed: 3 });
  const a = await analyzeRun([dir], { objectives: null });
  const names = a.byTag.map((r) => r.name);
  assert.deepEqual(names, ['credential=valid', 'credential=wrong']);
  const [valid, wrong] = a.byTag;
  assert.ok(valid && wrong);
  assert.equal(valid.count + wrong.count, a.headline.count);
  assert.equal(wrong.ko, 0, 'a wrong password answered 401 was expected');
  assert.equal(a.statuses['401'], wrong.count);
  assert.ok(wrong.count > a.headline.count * 0.15 && wrong.count < a.headline.count * 0.35, `${wrong.count}`);
  assert.ok(Number.isFinite(valid.p95) && valid.p95 > 0);
});

test('no credential tag (an older script, another tool): no split, no section', async () => {
  const dir = makeRun(tempPaths(), 'untagged');
  const { analysis, htmlPath } = await buildLoadReport([dir]);
  assert.deepEqual(analysis.byTag, []);
  assert.doesNotMatch(readFileSync(htmlPath, 'utf8'), /id="by-tag"/);
});

test('dropped iterations land in the time buckets where they happened', async () => {
  const dir = makeRun(tempPaths(), 'dropped', { durationSec: 60, droppedShare: 0.5 });
  const a = await analyzeRun([dir], { objectives: null });
  const perBucket = a.timeline.points.map((p) => p.dropped);
  assert.equal(
    perBucket.reduce((x, y) => x + y, 0),
    a.droppedIterations,
  );
  assert.ok(a.droppedIterations > 0);
  // Only the slow phase (45-55 % of the run) drops arrivals.
  const first = a.timeline.points.find((p) => p.dropped > 0);
  assert.ok(first && first.t - a.startMs >= 0.4 * 60_000, 'drops start in the slow phase');
});

test('dropped-iteration buckets coarsen like the timeline and keep every count', () => {
  const x = new RequestExtras(4);
  for (let s = 0; s < 10; s += 1) x.droppedAt(s * 1000, 1);
  assert.equal(x.droppedSeconds, 4);
  assert.ok(x.dropped.size <= 4);
  assert.equal(x.droppedIn(0, 16_000), 10);
  assert.equal(x.droppedIn(0, 4000), 4);
});

test('the HTTP timing breakdown comes from summary.json: waiting dominates, phases in order', async () => {
  const dir = makeRun(tempPaths(), 'timings');
  const a = await analyzeRun([dir], { objectives: null });
  assert.deepEqual(
    a.timings.map((p) => p.label),
    ['blocked', 'connecting', 'TLS', 'sending', 'waiting', 'receiving'],
  );
  const waiting = a.timings.find((p) => p.label === 'waiting');
  assert.ok(waiting && Math.abs(waiting.avg - a.global.mean * 0.97) < 0.01 * a.global.mean, `${waiting?.avg}`);
});

test('the report shows the new charts and sections, and links dashboard.html only when the run has it', async () => {
  const dir = makeRun(tempPaths(), 'full', { wrongShare: 0.1, droppedShare: 0.2, durationSec: 40 });
  const read = async (): Promise<string> => readFileSync((await buildLoadReport([dir])).htmlPath, 'utf8');
  const html = await read();
  for (const title of [
    'Error share over time (KO / requests)',
    'Dropped iterations per second (arrivals that found no free VU)',
    'Latency against throughput (one dot per second)',
  ]) {
    assert.ok(html.includes(`<figcaption>${title}</figcaption>`), title);
  }
  assert.match(html, /id="by-tag"[\s\S]*credential=wrong/);
  assert.match(html, /id="timings"[\s\S]*http_req_waiting/);
  assert.doesNotMatch(html, /dashboard\.html/);
  writeFileSync(join(dir, 'dashboard.html'), '<html></html>');
  assert.match(await read(), /<a href="dashboard\.html">k6 web dashboard/);
});
