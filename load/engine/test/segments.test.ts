import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExecutionSegment } from '../src/segments.ts';
import { runFixture } from './helpers.ts';

test('segments of a sequence partition every index space exactly, evenly interleaved', () => {
  const seq = '0,1/4,1/2,3/4,1';
  const parts = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'].map((s) => new ExecutionSegment(s, seq));
  for (const n of [0, 1, 3, 7, 10, 101]) {
    assert.equal(
      parts.reduce((a, p) => a + p.countBelow(n), 0),
      n,
      `n=${n}`,
    );
    for (let j = 0; j < n; j++) assert.equal(parts.filter((p) => p.owns(j)).length, 1);
  }
  const uneven = ['0:1/3', '1/3:1'].map((s) => new ExecutionSegment(s, '0,1/3,1'));
  assert.equal(uneven[0]!.countBelow(300), 100);
  assert.equal(uneven[1]!.countBelow(300), 200);
  assert.deepEqual(uneven[0]!.ownedIn(0, 6), [1, 4]);
  assert.equal(new ExecutionSegment(undefined, undefined).isFull, true);
  assert.equal(new ExecutionSegment('50%', undefined).countBelow(10), 5);
});

test('invalid segments are InvalidConfig errors', () => {
  assert.throws(() => new ExecutionSegment('1/2:1/4', undefined), /start must be below the end/);
  assert.throws(() => new ExecutionSegment('0:1/3', '0,1/4,1'), /is not one of the segments/);
  assert.throws(() => new ExecutionSegment('abc', undefined), /not a fraction/);
});

test('two segmented runs together make the single run: iterations, arrival schedule, unique VU ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-segments-'));
  const seq = '0,1/2,1';
  const runs = await Promise.all(
    ['0:1/2', '1/2:1'].map((segment, i) =>
      runFixture('segments.ts', { segment, segmentSequence: seq, jsonOut: join(dir, `${i}.ndjson`) }),
    ),
  );
  const points = runs.map((_, i) =>
    readFileSync(join(dir, `${i}.ndjson`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; metric: string; data: { tags: Record<string, string> } })
      .filter((p) => p.type === 'Point' && p.metric === 'seen'),
  );
  for (const scenario of ['rate', 'shared']) {
    const ids = points.map((ps) => ps.filter((p) => p.data.tags['scenario'] === scenario));
    const iters = ids.flatMap((ps) => ps.map((p) => Number(p.data.tags['iter']))).sort((a, b) => a - b);
    assert.equal(new Set(iters).size, iters.length, `${scenario}: no iteration ran on both instances`);
    if (scenario === 'shared') {
      assert.deepEqual(iters, [...Array(12).keys()], 'shared: the instances together ran exactly the 12 iterations');
    } else {
      // Open model: an instance may drop an iteration when the shared machine stalls it; run + dropped is the schedule.
      const dropped = runs.reduce((a, r) => a + (r.summary?.metrics['dropped_iterations']?.values['count'] ?? 0), 0);
      assert.equal(iters.length + dropped, 40, 'rate: run + dropped on both instances = the single-instance schedule');
      assert.ok(iters.every((i) => i >= 0 && i < 40));
      const share = ids.map((ps) => ps.length);
      assert.ok(
        share.every((n) => n <= 20),
        `each instance starts at most its half (${share.join(', ')})`,
      );
    }
    const vus = ids.map((ps) => new Set(ps.map((p) => p.data.tags['vu'])));
    for (const v of vus[0]!) assert.ok(!vus[1]!.has(v), `${scenario}: VU ${v} used by both instances`);
  }
});
