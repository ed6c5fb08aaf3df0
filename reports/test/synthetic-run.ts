// Writes a realistic synthetic load run in k6's formats (JSON-lines metric stream with every built-in HTTP metric,
// handleSummary's summary.json, meta.json): fixtures for the tests and the input of the report benchmark.
// Latency is log-normal with a slow phase in the middle of the run and a short burst of 502s, so charts show shape.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../../core/files.ts';
import { percentile } from '../../load/lib/percentile.ts';
import { runMetaJson, type RunMeta } from '../../load/lib/run-meta.ts';
import { compare, parseThreshold } from '../../load/lib/thresholds.ts';

export interface SyntheticRunOptions {
  durationSec: number;
  /** Requests per second at the plateau (arrival rate). */
  rps: number;
  seed?: number;
  /** Median latency in ms outside the slow phase. */
  medianMs?: number;
  /** Latency multiplier during the middle 10 % of the run. */
  slowFactor?: number;
  /** Share of requests answered 502 during the error burst (the 70-75 % mark of the run). */
  burstErrorRate?: number;
  startMs?: number;
  /** Load generators: each writes its own stream, tagged `instance` (as a k6-operator runner would be configured). */
  instances?: number;
  /** 'dirs': one run directory per instance under dir/; 'files': metrics-<n>.ndjson side by side in dir. */
  layout?: 'dirs' | 'files';
  thresholds?: Record<string, string[]>;
  profile?: string;
  runId?: string;
  /** Write metrics.ndjson.gz (what npm run load writes) instead of an uncompressed metrics.ndjson. */
  gzip?: boolean;
  /** Tag every login `credential` (as the load script does); this share is sent wrong and answered 401 (expected). */
  wrongShare?: number;
  /** Share of arrivals dropped (dropped_iterations) during the slow phase, as an open model does when VUs run out. */
  droppedShare?: number;
}

export interface SyntheticRunResult {
  dirs: string[];
  requests: number;
  lines: number;
  /** Uncompressed size of the streams. */
  bytes: number;
  /** Size of the stream files as written (compressed with gzip). */
  fileBytes: number;
  durations: number[];
}

// The thresholds the load suite's script declares (load/lib/slo.ts), with limits this synthetic run meets.
export const syntheticThresholds: Record<string, string[]> = {
  'http_req_duration{name:login}': ['p(95)<500', 'p(99)<1000'],
  'http_req_failed{name:login}': ['rate<0.02'],
  checks: ['rate>=0.95'],
  login_undocumented_status: ['rate==0'],
  login_contract_ok: ['rate>=1'],
  login_identity_ok: ['rate>=1'],
  dropped_iterations: ['count<=0'],
  'http_reqs{name:login}': ['count>=10'],
};

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k6-style timestamp: RFC 3339 with nanoseconds. */
function k6Time(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2026-01-01T00:00:00.123Z
  const nanos = String(Math.floor((ms % 1) * 1e6)).padStart(6, '0');
  return `${iso.slice(0, 23)}${nanos}Z`;
}

class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  lines = 0;
  bytes = 0;
  fileBytes = 0;
  constructor(
    private readonly fd: number,
    private readonly gzip = false,
  ) {}
  write(line: string): void {
    this.buffer.push(line);
    this.size += line.length + 1;
    this.lines += 1;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('\n') + '\n';
    this.bytes += Buffer.byteLength(chunk);
    // One gzip member per 1 MiB chunk (this writer is synchronous): gunzip reads concatenated members as one stream,
    // as gzip(1) does, and the ratio is within a few % of one member's.
    const bytes = this.gzip ? gzipSync(chunk) : Buffer.from(chunk);
    this.fileBytes += bytes.length;
    writeSync(this.fd, bytes);
    this.buffer = [];
    this.size = 0;
  }
}

const metricDecls: [string, string, string][] = [
  ['vus', 'gauge', 'default'],
  ['vus_max', 'gauge', 'default'],
  ['http_reqs', 'counter', 'default'],
  ['http_req_duration', 'trend', 'time'],
  ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'],
  ['http_req_tls_handshaking', 'trend', 'time'],
  ['http_req_sending', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'],
  ['http_req_receiving', 'trend', 'time'],
  ['http_req_failed', 'rate', 'default'],
  ['checks', 'rate', 'default'],
  ['data_sent', 'counter', 'data'],
  ['data_received', 'counter', 'data'],
  ['iteration_duration', 'trend', 'time'],
  ['iterations', 'counter', 'default'],
  ['login_undocumented_status', 'rate', 'default'],
  ['login_contract_ok', 'rate', 'default'],
  ['login_identity_ok', 'rate', 'default'],
];

/** k6's percentile (load/lib/percentile.ts), as k6 writes it into summary.json. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : percentile(sorted, p);
}

export function writeSyntheticRun(dir: string, o: SyntheticRunOptions): SyntheticRunResult {
  const random = mulberry32(o.seed ?? 42);
  const medianMs = o.medianMs ?? 38;
  const slowFactor = o.slowFactor ?? 3;
  const burstErrorRate = o.burstErrorRate ?? 0.2;
  const startMs = o.startMs ?? Date.UTC(2026, 10, 27, 2, 0, 0);
  const instances = Math.max(1, o.instances ?? 1);
  const layout = o.layout ?? 'dirs';
  const thresholds = o.thresholds ?? syntheticThresholds;
  const runId = o.runId ?? 'synthetic';
  const targetUrl = 'http://127.0.0.1:39871/api/auth/login';

  const dirs: string[] = [];
  const writers: LineWriter[] = [];
  const fds: number[] = [];
  for (let i = 0; i < instances; i += 1) {
    const instDir = instances > 1 && layout === 'dirs' ? join(dir, `instance-${i + 1}`) : dir;
    mkdirSync(instDir, { recursive: true });
    if (!dirs.includes(instDir)) dirs.push(instDir);
    const ext = o.gzip ? '.ndjson.gz' : '.ndjson';
    const file = instances > 1 && layout === 'files' ? `metrics-${i + 1}${ext}` : `metrics${ext}`;
    const fd = openSync(join(instDir, file), 'w');
    fds.push(fd);
    const w = new LineWriter(fd, o.gzip);
    for (const [name, type, contains] of metricDecls) {
      const t = thresholds[name] ?? [];
      w.write(
        `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":${JSON.stringify(t)},"submetrics":null},"metric":"${name}"}`,
      );
    }
    writers.push(w);
  }

  const durations: number[] = [];
  const perInstance = Array.from({ length: instances }, () => ({
    durations: [] as number[],
    failed: 0,
    checksPass: 0,
    checksFail: 0,
    sent: 0,
    received: 0,
    status: new Map<string, number>(),
    /** Sum and max of each HTTP phase (http_req_blocked ...), for summary.json. */
    phases: new Map<string, { sum: number; max: number }>(),
    dropped: 0,
  }));
  const rampSec = Math.min(30, o.durationSec / 10);
  let seq = 0;
  for (let second = 0; second < o.durationSec; second += 1) {
    const ramp = Math.min(1, (second + 1) / rampSec, (o.durationSec - second) / rampSec);
    const rate = Math.max(1, Math.round(o.rps * ramp));
    const progress = second / o.durationSec;
    const slow = progress > 0.45 && progress < 0.55 ? slowFactor : 1;
    const burst = progress > 0.7 && progress < 0.75;
    const vus = Math.ceil((rate * medianMs * slow) / 1000) + 2;
    for (let i = 0; i < instances; i += 1) {
      const tags = `{"instance":"${i + 1}","scenario":"login"}`;
      const at = k6Time(startMs + second * 1000);
      writers[i]?.write(
        `{"type":"Point","data":{"time":"${at}","value":${Math.ceil(vus / instances)},"tags":${tags}},"metric":"vus"}`,
      );
      writers[i]?.write(
        `{"type":"Point","data":{"time":"${at}","value":${Math.ceil((vus * 2) / instances)},"tags":${tags}},"metric":"vus_max"}`,
      );
      const dropped = slow > 1 ? Math.round((rate * (o.droppedShare ?? 0)) / instances) : 0;
      if (dropped > 0) {
        const stats = perInstance[i];
        if (stats) stats.dropped += dropped;
        writers[i]?.write(
          `{"type":"Point","data":{"time":"${at}","value":${dropped},"tags":${tags}},"metric":"dropped_iterations"}`,
        );
      }
    }
    for (let r = 0; r < rate; r += 1) {
      const inst = seq % instances;
      seq += 1;
      const w = writers[inst];
      const stats = perInstance[inst];
      if (!w || !stats) continue;
      const t = startMs + second * 1000 + (r + random()) * (1000 / rate);
      // Box-Muller: log-normal latency around the median, sigma 0.35.
      const z = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
      const failed = burst && random() < burstErrorRate;
      const duration = failed ? 2 + random() * 3 : medianMs * slow * Math.exp(0.35 * z);
      // Drawn only when asked for, so the default stream (the benchmark's input) stays the same.
      const wrong = o.wrongShare !== undefined && !failed && random() < o.wrongShare;
      const status = failed ? '502' : wrong ? '401' : '200';
      const credential = o.wrongShare === undefined ? '' : `"credential":"${wrong ? 'wrong' : 'valid'}",`;
      durations.push(duration);
      stats.durations.push(duration);
      stats.status.set(status, (stats.status.get(status) ?? 0) + 1);
      const tags = `{${credential}"expected_response":"${!failed}","group":"","instance":"${inst + 1}","method":"POST","name":"login","proto":"HTTP/1.1","scenario":"login","status":"${status}","tls_version":"","url":"${targetUrl}"}`;
      const at = k6Time(t + duration);
      const waiting = duration * 0.97;
      const point = (metric: string, value: number, tagJson = tags): void => {
        if (metric.startsWith('http_req_') && metric !== 'http_req_failed') {
          const p = stats.phases.get(metric) ?? { sum: 0, max: 0 };
          p.sum += value;
          p.max = Math.max(p.max, value);
          stats.phases.set(metric, p);
        }
        w.write(
          `{"type":"Point","data":{"time":"${at}","value":${Number(value.toFixed(6))},"tags":${tagJson}},"metric":"${metric}"}`,
        );
      };
      point('http_reqs', 1);
      point('http_req_duration', duration);
      point('http_req_blocked', random() * 0.01);
      point('http_req_connecting', 0);
      point('http_req_tls_handshaking', 0);
      point('http_req_sending', 0.02 + random() * 0.02);
      point('http_req_waiting', waiting);
      point('http_req_receiving', duration - waiting - 0.02);
      point('http_req_failed', failed ? 1 : 0);
      if (failed) stats.failed += 1;
      const base = `"group":"","instance":"${inst + 1}","scenario":"login"`;
      for (const check of ['status is 200', 'body matches the LoginResponse schema']) {
        point('checks', failed ? 0 : 1, `{"check":"${check}",${base}}`);
        if (failed) stats.checksFail += 1;
        else stats.checksPass += 1;
      }
      const sent = 231;
      const received = failed ? 180 : 612;
      stats.sent += sent;
      stats.received += received;
      point('data_sent', sent, `{${base}}`);
      point('data_received', received, `{${base}}`);
      point('iteration_duration', duration + 0.4, `{${base}}`);
      point('iterations', 1, `{${base}}`);
      point('login_undocumented_status', 0, `{${base},"name":"login"}`);
      point('login_contract_ok', 1, `{${base}}`);
      point('login_identity_ok', 1, `{${base}}`);
    }
  }
  for (const w of writers) w.flush();
  for (const fd of fds) closeSync(fd);

  // One summary.json + meta.json per generator (what each k6 instance would write on its own).
  const summaries = instances > 1 && layout === 'files' ? [perInstance.flat()] : perInstance.map((s) => [s]);
  summaries.forEach((group, index) => {
    const instDir = dirs[index] ?? dir;
    const all = group.flatMap((s) => s.durations).sort((a, b) => a - b);
    const failed = group.reduce((n, s) => n + s.failed, 0);
    const checksPass = group.reduce((n, s) => n + s.checksPass, 0);
    const checksFail = group.reduce((n, s) => n + s.checksFail, 0);
    const values = {
      avg: all.reduce((a, b) => a + b, 0) / all.length,
      min: all[0] ?? 0,
      med: exactPercentile(all, 50),
      max: all[all.length - 1] ?? 0,
      'p(90)': exactPercentile(all, 90),
      'p(95)': exactPercentile(all, 95),
      'p(99)': exactPercentile(all, 99),
    };
    const n = all.length;
    const metrics: Record<string, { type: string; contains: string; values: Record<string, number> }> = {
      'http_req_duration{name:login}': { type: 'trend', contains: 'time', values: { ...values, count: n } },
      http_req_duration: { type: 'trend', contains: 'time', values: { ...values, count: n } },
      'http_req_failed{name:login}': {
        type: 'rate',
        contains: 'default',
        values: { rate: failed / n, passes: failed, fails: n - failed },
      },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { rate: failed / n, passes: failed, fails: n - failed },
      },
      checks: {
        type: 'rate',
        contains: 'default',
        values: { rate: checksPass / (checksPass + checksFail), passes: checksPass, fails: checksFail },
      },
      login_undocumented_status: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: n } },
      login_contract_ok: { type: 'rate', contains: 'default', values: { rate: 1, passes: n, fails: 0 } },
      login_identity_ok: { type: 'rate', contains: 'default', values: { rate: 1, passes: n, fails: 0 } },
      dropped_iterations: {
        type: 'counter',
        contains: 'default',
        values: { count: group.reduce((d, s) => d + s.dropped, 0), rate: 0 },
      },
      'http_reqs{name:login}': { type: 'counter', contains: 'default', values: { count: n, rate: n / o.durationSec } },
      http_reqs: { type: 'counter', contains: 'default', values: { count: n, rate: n / o.durationSec } },
      iterations: { type: 'counter', contains: 'default', values: { count: n, rate: n / o.durationSec } },
      vus: {
        type: 'gauge',
        contains: 'default',
        values: { value: 2, min: 1, max: Math.ceil((o.rps * medianMs * slowFactor) / 1000) + 2 },
      },
    };
    // The HTTP phases as k6 summarises them (avg, max, count; no percentiles kept here).
    for (const name of new Set(group.flatMap((s) => [...s.phases.keys()]))) {
      if (name === 'http_req_duration') continue;
      const parts = group.map((s) => s.phases.get(name) ?? { sum: 0, max: 0 });
      const sum = parts.reduce((x, p) => x + p.sum, 0);
      metrics[name] = {
        type: 'trend',
        contains: 'time',
        values: { avg: sum / n, max: Math.max(...parts.map((p) => p.max)), count: n },
      };
    }
    let allOk = true;
    const withThresholds = Object.fromEntries(
      Object.entries(metrics).map(([key, m]) => {
        const t = Object.fromEntries(
          (thresholds[key] ?? []).map((source) => {
            const expr = parseThreshold(source);
            const ok = compare(m.values[expr.stat] ?? NaN, expr.op, expr.limit);
            allOk &&= ok;
            return [source, { ok }];
          }),
        );
        return [key, Object.keys(t).length ? { ...m, thresholds: t } : m];
      }),
    );
    const summary = {
      root_group: {
        name: '',
        path: '',
        id: 'd41d8cd98f00b204e9800998ecf8427e',
        groups: [],
        checks: ['status is 200', 'body matches the LoginResponse schema'].map((name) => ({
          name,
          path: `::${name}`,
          id: name,
          passes: checksPass / 2,
          fails: checksFail / 2,
        })),
      },
      options: {
        summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
        summaryTimeUnit: '',
        noColor: false,
      },
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: o.durationSec * 1000 },
      metrics: withThresholds,
    };
    writeFileAtomic(join(instDir, 'summary.json'), JSON.stringify(summary, null, 2));
    const meta: RunMeta = {
      runId: instances > 1 ? `${runId}-${index + 1}` : runId,
      profile: o.profile ?? 'average',
      engine: 'node',
      target: 'http://127.0.0.1:39871',
      commit: '0123456789abcdef0123456789abcdef01234567',
      startedAt: new Date(startMs).toISOString(),
      endedAt: new Date(startMs + o.durationSec * 1000).toISOString(),
      exitCode: allOk ? 0 : 99,
    };
    writeFileAtomic(join(instDir, 'meta.json'), runMetaJson(meta));
  });

  return {
    dirs: instances > 1 && layout === 'dirs' ? [dir] : dirs,
    requests: durations.length,
    lines: writers.reduce((n, w) => n + w.lines, 0),
    bytes: writers.reduce((n, w) => n + w.bytes, 0),
    fileBytes: writers.reduce((n, w) => n + w.fileBytes, 0),
    durations,
  };
}
