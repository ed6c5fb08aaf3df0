import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile } from '../../load/lib/percentile.ts';
import { Distribution } from '../lib/distribution.ts';
import { histogramRelativeError, LogHistogram } from '../lib/histogram.ts';

const exact = percentile;

test("percentiles stay within the stated relative error of k6's exact (interpolated) values", () => {
  const h = new LogHistogram();
  const values: number[] = [];
  let seed = 7;
  for (let i = 0; i < 20_000; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const v = 0.5 + (seed / 2 ** 31) ** 3 * 3000; // skewed, like latencies
    values.push(v);
    h.record(v);
  }
  values.sort((a, b) => a - b);
  for (const p of [50, 75, 90, 95, 99, 99.9]) {
    const want = exact(values, p);
    const got = h.percentile(p);
    assert.ok(Math.abs(got - want) / want <= histogramRelativeError + 1e-9, `p${p}: ${got} vs ${want}`);
  }
  assert.equal(h.percentile(0), values[0]);
  assert.equal(h.percentile(100), values[values.length - 1]);
  assert.equal(h.count, 20_000);
});

test('merging two histograms equals recording everything in one', () => {
  const a = new LogHistogram();
  const b = new LogHistogram();
  const all = new LogHistogram();
  for (let i = 1; i <= 1000; i += 1) {
    (i % 3 === 0 ? a : b).record(i * 1.7);
    all.record(i * 1.7);
  }
  a.merge(b);
  for (const p of [1, 50, 95, 99]) assert.equal(a.percentile(p), all.percentile(p));
  assert.equal(a.count, all.count);
  assert.ok(Math.abs(a.mean - all.mean) < 1e-9);
  assert.ok(Math.abs(a.stddev - all.stddev) < 1e-9);
});

test('an empty histogram answers NaN, and zero values are counted', () => {
  const h = new LogHistogram();
  assert.ok(Number.isNaN(h.percentile(50)));
  assert.ok(Number.isNaN(h.mean));
  h.record(0);
  h.record(0);
  assert.equal(h.percentile(50), 0);
  assert.equal(h.countAtMost(0), 2);
});

test("a distribution under its sample cap gives k6's percentiles exactly; past it, the histogram's", () => {
  const small = new Distribution(1000);
  const capped = new Distribution(1000);
  const values = Array.from({ length: 1500 }, (_, i) => 5 + ((i * 7919) % 1499) / 10);
  values.slice(0, 999).forEach((v) => small.record(v));
  values.forEach((v) => capped.record(v));
  const sortedSmall = values.slice(0, 999).sort((a, b) => a - b);
  for (const p of [50, 90, 95, 99, 99.9]) assert.equal(small.percentile(p), exact(sortedSmall, p), `p${p}`);
  assert.equal(small.exact, true);
  assert.equal(capped.exact, false);
  const sorted = [...values].sort((a, b) => a - b);
  for (const p of [50, 95, 99]) {
    const want = exact(sorted, p);
    assert.ok(Math.abs(capped.percentile(p) - want) / want <= histogramRelativeError + 1e-9, `capped p${p}`);
  }
  assert.equal(small.countAtMost(sortedSmall[9]!), 10);
});

test('merged distributions stay exact while their samples fit', () => {
  const a = new Distribution();
  const b = new Distribution();
  const all: number[] = [];
  for (let i = 0; i < 300; i += 1) {
    const v = (i * 37) % 101;
    (i % 2 ? a : b).record(v);
    all.push(v);
  }
  a.merge(b);
  all.sort((x, y) => x - y);
  assert.equal(a.exact, true);
  assert.equal(a.percentile(99), exact(all, 99));
  assert.equal(a.count, 300);
});
