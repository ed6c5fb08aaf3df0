// Streams k6 JSON-lines metric files (one line at a time) into aggregates: latency distributions (every sample up to
// a cap, then log histograms: reports/lib/distribution.ts) and time buckets whose width doubles when a run is long,
// so memory is bounded whatever the length of the run. Several files (one per load generator) feed the same
// aggregate: that is the merge.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { RequestExtras } from './request-extras.ts';
import { contractOkMetric, identityOkMetric } from '../../load/lib/slo.ts';
import type { MetricKey, MetricType } from '../../load/lib/thresholds.ts';
import { Distribution } from '../lib/distribution.ts';
import { parseK6Time } from '../lib/k6-time.ts';
import { PerSecondLogins } from './capacity-series.ts';
import { ContractFailureCollector, contractMetrics } from './contract-failures.ts';
import { MetricSeries, tagsMatch } from './series.ts';

type Tags = Record<string, unknown> | null | undefined;

export class RequestStats {
  readonly all = new Distribution();
  /** Latencies of the KO requests alone (the distribution chart stacks OK and KO). */
  readonly failed = new Distribution();
  ok = 0;
  ko = 0;
}

export interface InstanceStats {
  requests: RequestStats;
  firstMs: number;
  lastMs: number;
  maxVus: number;
}

export interface TimeBucket {
  requests: number;
  ko: number;
  statuses: Map<string, number>;
  latency: Distribution;
  /** Highest VU gauge value seen in the bucket, per instance (summed across instances when drawn). */
  vus: Map<string, number>;
}

const MAX_TIME_BUCKETS = 1200;
const MAX_NAMES = 50;
const MAX_ERRORS = 100;
// Metrics the report always reads; others (http_req_blocked, data_sent, ...) are read only when a threshold names them.
const alwaysRead = ['http_req_duration', 'vus', 'dropped_iterations'];
/** Read only when no single summary.json already has them exactly (several generators, or no summary). */
const extras = ['checks', 'iterations'];
const derivedFromDuration = new Set(['http_reqs', 'http_req_failed']);
/** k6's built-in metric types: a counter that never got a sample (dropped_iterations) is 0, not "no data". */
const builtinTypes: Record<string, MetricType> = {
  http_reqs: 'counter',
  iterations: 'counter',
  dropped_iterations: 'counter',
  data_sent: 'counter',
  data_received: 'counter',
  http_req_failed: 'rate',
  checks: 'rate',
  vus: 'gauge',
  vus_max: 'gauge',
  http_req_duration: 'trend',
  http_req_waiting: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_receiving: 'trend',
  iteration_duration: 'trend',
};

export class RunAggregator {
  readonly all = new RequestStats();
  readonly byName = new Map<string, RequestStats>();
  readonly instances = new Map<string, InstanceStats>();
  readonly statuses = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly checks = new Map<string, { passes: number; fails: number }>();
  readonly metricTypes = new Map<string, MetricType>();
  readonly series = new Map<string, MetricSeries>();
  readonly counters = { iterations: 0, droppedIterations: 0 };
  /** Requests split by tag (credential) and dropped iterations over time (request-extras.ts). */
  readonly extras = new RequestExtras(MAX_TIME_BUCKETS);
  /** The requests the latency SLO judges (e.g. http_req_duration{name:login}): what the report's tiles show. */
  headline: { key: MetricKey; stats: RequestStats } | undefined;
  timeline = new Map<number, TimeBucket>();
  bucketSeconds = 1;
  /** Login responses that broke the contract or the identity under load (failing samples only). */
  readonly contract = new ContractFailureCollector();
  /** The headline (login) requests and dropped iterations per second of arrival: the capacity's input. */
  readonly perSecond = new PerSecondLogins();
  firstMs = Infinity;
  lastMs = -Infinity;
  lines = 0;
  points = 0;
  badLines = 0;
  private readonly wanted: Set<string>;
  private readonly seriesByName = new Map<string, MetricSeries[]>();

  /** readExtras: also stream checks and iterations (one and two more parsed lines per request). */
  constructor(readExtras = true) {
    this.wanted = new Set([...(readExtras ? [...alwaysRead, ...extras] : alwaysRead), ...contractMetrics]);
  }

  /** Also counts the http_req_duration points matching this key's tags apart (call before streaming). */
  setHeadline(key: MetricKey): void {
    this.headline = { key, stats: new RequestStats() };
  }

  /** Registers a threshold's metric series before streaming (their points are otherwise skipped unparsed). */
  track(key: MetricKey): MetricSeries {
    const existing = this.series.get(key.key);
    if (existing) return existing;
    const s = new MetricSeries(key);
    this.series.set(key.key, s);
    this.seriesByName.set(key.name, [...(this.seriesByName.get(key.name) ?? []), s]);
    s.type ??= builtinTypes[key.name];
    // k6 emits http_reqs and http_req_failed once per request with the same tags as http_req_duration: they are
    // derived from that point (below) instead of parsing two more lines per request.
    if (!derivedFromDuration.has(key.name)) this.wanted.add(key.name);
    return s;
  }

  /**
   * Streams one file line by line over 1 MiB chunks of bytes. Lines are found and filtered as bytes; only the lines
   * of metrics the report reads are decoded and parsed. (node:readline decodes and copies every line: 3x slower on a
   * 237 MB stream.) Memory: one chunk plus one partial line.
   */
  async addFile(path: string, instance: string): Promise<void> {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    // 1 MiB output chunks, like the file reads: zlib's default 16 KiB chunks made gunzip 4x dearer in CPU (15,000
    // chunks per 250 MB, each one also copied into the line splitter's buffer).
    const input = path.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
    let rest: Buffer | undefined;
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const buf = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      let start = 0;
      for (let end = buf.indexOf(10, start); end >= 0; end = buf.indexOf(10, start)) {
        this.addBytes(buf, start, end, instance);
        start = end + 1;
      }
      rest = start < buf.length ? buf.subarray(start) : undefined;
    }
    if (rest !== undefined && rest.length > 0) this.addBytes(rest, 0, rest.length, instance);
  }

  addLine(line: string, defaultInstance: string): void {
    const buf = Buffer.from(line);
    this.addBytes(buf, 0, buf.length, defaultInstance);
  }

  /**
   * One line, buf[start, end). Cheap pre-filter first: most points belong to metrics nobody reads
   * (http_req_blocked, ...), so they are skipped without being decoded or parsed; so are declarations of unread
   * metrics (their type matters to nobody).
   */
  private addBytes(buf: Buffer, start: number, end: number, defaultInstance: string): void {
    this.lines += 1;
    const stop = end > start && buf[end - 1] === 13 ? end - 1 : end;
    if (stop <= start) return;
    const name = this.wantedName(buf, start, stop);
    if (name === undefined) return;
    // A passing contract sample is one of every request: counted by the thresholds, never parsed here.
    if (contractMetricSet.has(name) && !isFailingPoint(buf.subarray(start, stop))) return;
    this.parseLine(buf.toString('utf8', start, stop), defaultInstance);
  }

  private parseLine(line: string, defaultInstance: string): void {
    let entry: { type?: unknown; metric?: unknown; data?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      this.badLines += 1;
      return;
    }
    if (typeof entry.metric !== 'string' || typeof entry.data !== 'object' || entry.data === null) {
      this.badLines += 1;
      return;
    }
    if (entry.type === 'Metric') {
      const t = (entry.data as { type?: unknown }).type;
      if (t === 'trend' || t === 'rate' || t === 'counter' || t === 'gauge') {
        this.metricTypes.set(entry.metric, t);
        for (const s of this.seriesByName.get(entry.metric) ?? []) s.type = t;
      }
      return;
    }
    if (entry.type !== 'Point') return;
    const data = entry.data as { time?: unknown; value?: unknown; tags?: Tags };
    if (typeof data.value !== 'number') {
      this.badLines += 1;
      return;
    }
    const time =
      typeof data.time === 'string' ? parseK6Time(data.time) : typeof data.time === 'number' ? data.time : NaN;
    if (!Number.isFinite(time)) {
      this.badLines += 1;
      return;
    }
    this.points += 1;
    this.addPoint(entry.metric, time, data.value, data.tags, defaultInstance);
  }

  /**
   * The line's metric when the report reads it. The "metric" key may come after "data" (k6) or before it: look at the
   * last occurrence, then the first.
   */
  private wantedName(buf: Buffer, start: number, end: number): string | undefined {
    const lastAt = buf.lastIndexOf(METRIC_KEY, end - 1);
    const last = lastAt >= start ? metricNameAt(buf, lastAt, end) : undefined;
    if (last !== undefined && this.wanted.has(last)) return last;
    // k6 writes "metric" last: a name closing the line is the top-level key, no need to scan from the start.
    if (last !== undefined && lastAt + METRIC_KEY.length + last.length === end - 2) return undefined;
    const firstAt = buf.indexOf(METRIC_KEY, start);
    const first = firstAt >= start && firstAt < end ? metricNameAt(buf, firstAt, end) : undefined;
    return first !== undefined && this.wanted.has(first) ? first : undefined;
  }

  private addPoint(metric: string, time: number, value: number, tags: Tags, defaultInstance: string): void {
    const instanceTag = tags?.instance;
    const instance =
      typeof instanceTag === 'string' || typeof instanceTag === 'number' ? String(instanceTag) : defaultInstance;
    for (const s of this.seriesByName.get(metric) ?? []) if (s.matches(tags)) s.add(value, instance, time);
    if (metric === 'dropped_iterations') this.extras.droppedAt(time, value);
    if (time < this.firstMs) this.firstMs = time;
    if (time > this.lastMs) this.lastMs = time;
    switch (metric) {
      case 'http_req_duration':
        this.addRequest(time, value, tags, instance);
        break;
      case 'vus': {
        const bucket = this.bucketAt(time);
        bucket.vus.set(instance, Math.max(bucket.vus.get(instance) ?? 0, value));
        const inst = this.instance(instance, time);
        inst.maxVus = Math.max(inst.maxVus, value);
        break;
      }
      case 'checks': {
        const name = typeof tags?.check === 'string' ? tags.check : '(unnamed check)';
        const c = this.checks.get(name) ?? { passes: 0, fails: 0 };
        if (value !== 0) c.passes += 1;
        else c.fails += 1;
        this.checks.set(name, c);
        break;
      }
      case 'iterations':
        this.counters.iterations += value;
        break;
      case contractOkMetric:
      case identityOkMetric:
        this.contract.add(metric, time, value, tags);
        break;
      case 'dropped_iterations':
        this.counters.droppedIterations += value;
        this.perSecond.addDropped(time, value);
        break;
    }
  }

  private addRequest(time: number, duration: number, tags: Tags, instance: string): void {
    const status = tags?.status === undefined || tags.status === null ? '0' : String(tags.status);
    const expected = tags?.expected_response;
    const code = Number(status);
    const ok = expected === undefined || expected === null ? code >= 200 && code < 400 : String(expected) === 'true';
    const nameTag = tags?.name ?? tags?.url;
    let name = typeof nameTag === 'string' && nameTag !== '' ? nameTag : 'request';
    if (!this.byName.has(name) && this.byName.size >= MAX_NAMES) name = '(other requests)';
    for (const series of this.seriesByName.get('http_reqs') ?? [])
      if (series.matches(tags)) series.add(1, instance, time);
    for (const series of this.seriesByName.get('http_req_failed') ?? []) {
      if (series.matches(tags)) series.add(ok ? 0 : 1, instance, time);
    }
    const stats = [
      this.all,
      this.instance(instance, time).requests,
      getOrAdd(this.byName, name, () => new RequestStats()),
    ];
    if (this.headline !== undefined && tagsMatch(this.headline.key.tags, tags)) {
      stats.push(this.headline.stats);
      this.perSecond.addLogin(time, duration, ok);
    }
    for (const s of stats) {
      s.all.record(duration);
      if (ok) s.ok += 1;
      else {
        s.ko += 1;
        s.failed.record(duration);
      }
    }
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (!ok) {
      const detail = [
        typeof tags?.error_code === 'string' ? `error_code ${tags.error_code}` : '',
        typeof tags?.error === 'string' ? tags.error : '',
      ]
        .filter((s) => s !== '')
        .join(': ');
      let key = `status ${status}${detail === '' ? '' : ` (${detail})`}`;
      if (!this.errors.has(key) && this.errors.size >= MAX_ERRORS) key = '(other errors)';
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
    const bucket = this.bucketAt(time);
    bucket.requests += 1;
    if (!ok) bucket.ko += 1;
    bucket.statuses.set(status, (bucket.statuses.get(status) ?? 0) + 1);
    bucket.latency.record(duration);
    this.extras.request(tags, duration, ok);
  }

  private instance(name: string, time: number): InstanceStats {
    const inst = getOrAdd(this.instances, name, () => ({
      requests: new RequestStats(),
      firstMs: time,
      lastMs: time,
      maxVus: 0,
    }));
    if (time < inst.firstMs) inst.firstMs = time;
    if (time > inst.lastMs) inst.lastMs = time;
    return inst;
  }

  private bucketAt(time: number): TimeBucket {
    const key = Math.floor(time / (this.bucketSeconds * 1000));
    let bucket = this.timeline.get(key);
    if (bucket === undefined) {
      if (this.timeline.size >= MAX_TIME_BUCKETS) {
        this.coarsen();
        return this.bucketAt(time);
      }
      bucket = emptyBucket();
      this.timeline.set(key, bucket);
    }
    return bucket;
  }

  /** Halves the time resolution: buckets k and k+1 of width w become bucket floor(k/2) of width 2w. */
  private coarsen(): void {
    const merged = new Map<number, TimeBucket>();
    for (const [key, b] of this.timeline) {
      const target = getOrAdd(merged, Math.floor(key / 2), emptyBucket);
      target.requests += b.requests;
      target.ko += b.ko;
      for (const [s, n] of b.statuses) target.statuses.set(s, (target.statuses.get(s) ?? 0) + n);
      target.latency.merge(b.latency);
      for (const [i, v] of b.vus) target.vus.set(i, Math.max(target.vus.get(i) ?? 0, v));
    }
    this.timeline = merged;
    this.bucketSeconds *= 2;
  }
}

function emptyBucket(): TimeBucket {
  return { requests: 0, ko: 0, statuses: new Map(), latency: new Distribution(), vus: new Map() };
}

const METRIC_KEY = Buffer.from('"metric":"');
const contractMetricSet: ReadonlySet<string> = new Set(contractMetrics);
const POINT = Buffer.from('"type":"Point"');
const FAILING = [Buffer.from('"value":0,'), Buffer.from('"value":0}'), Buffer.from('"value":false')];

/** A Point whose value is 0 (a failing Rate sample); declarations (no value) are read too, for the metric's type. */
function isFailingPoint(line: Buffer): boolean {
  return !line.includes(POINT) || FAILING.some((f) => line.includes(f));
}

function metricNameAt(buf: Buffer, at: number, lineEnd: number): string | undefined {
  const start = at + METRIC_KEY.length;
  const end = buf.indexOf(34 /* " */, start);
  return end < 0 || end >= lineEnd ? undefined : buf.toString('latin1', start, end);
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
