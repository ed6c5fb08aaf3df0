// `--out json=FILE`: k6's JSON-lines stream. A {"type":"Metric"} line the first time a metric is seen, then one
// {"type":"Point"} line per sample. Written to FILE.partial and renamed at the end, so a crashed run never leaves a
// file that looks complete.
import { createWriteStream, renameSync, type WriteStream } from 'node:fs';
import type { Registry } from './metrics.ts';
import type { Threshold } from './thresholds.ts';
import type { RawSample } from './vu/host-api.ts';

export class JsonOutput {
  private readonly stream: WriteStream;
  private readonly seen = new Set<string>();
  private readonly tmp: string;

  constructor(
    private readonly path: string,
    private readonly registry: Registry,
    private readonly thresholds: Threshold[],
  ) {
    this.tmp = `${path}.partial`;
    this.stream = createWriteStream(this.tmp, { highWaterMark: 1 << 20 });
  }

  private metricLine(name: string): string {
    const m = this.registry.get(name);
    const data = {
      name,
      type: m?.type ?? 'counter',
      contains: m?.contains ?? 'default',
      thresholds: this.thresholds.filter((t) => t.key.replace(/\{.*$/, '') === name).map((t) => t.source),
      submetrics:
        m && m.submetrics.length > 0
          ? m.submetrics.map((s) => ({ name: s.name, suffix: s.name.slice(name.length), tags: s.tags }))
          : null,
    };
    return JSON.stringify({ type: 'Metric', data, metric: name });
  }

  private closed = false;

  write(samples: RawSample[]): void {
    if (samples.length === 0 || this.closed) return;
    let chunk = '';
    for (const [metric, value, tags, time] of samples) {
      if (!this.seen.has(metric)) {
        this.seen.add(metric);
        chunk += this.metricLine(metric) + '\n';
      }
      chunk += `{"metric":${JSON.stringify(metric)},"type":"Point","data":{"time":"${new Date(time).toISOString()}","value":${value},"tags":${JSON.stringify(tags)}}}\n`;
    }
    this.stream.write(chunk);
  }

  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolveClose, reject) => {
      this.stream.end(() => {
        try {
          renameSync(this.tmp, this.path);
          resolveClose();
        } catch (e) {
          reject(e as Error);
        }
      });
    });
  }
}
