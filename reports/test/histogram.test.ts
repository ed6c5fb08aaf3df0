import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramRelativeError, LogHistogram } from '../lib/histogram.ts';

function exact(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

test('percentiles stay within the stated relative error of the exact nearest-rank values', () => {
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
