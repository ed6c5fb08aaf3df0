// `--out json=FILE`: k6's JSON-lines stream. A {"type":"Metric"} line the first time a metric is seen, then one
// {"type":"Point"} line per sample. Written to FILE.partial and renamed at the end, so a crashed run never leaves a
// file that looks complete. A FILE ending in .gz is gzip-compressed as it is written, as k6 does for that name
// (~4.7 KB of JSON per request otherwise, ~175 B gzipped): nothing is held whole, the compressor works on 1 MiB chunks.
import { createWriteStream, renameSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Registry } from './metrics.ts';
import type { Threshold } from './thresholds.ts';
import type { RawSample } from './vu/host-api.ts';

/** Lines waiting in memory for the disk (or the compressor) past this are worth a warning: the run goes on, but a
 *  disk slower than the samples come would otherwise grow the engine's memory silently until it runs out. */
export const BACKLOG_WARN_BYTES = 128 << 20;

export class JsonOutput {
  /** The most bytes that waited in memory to be written, over the run. */
  peakBacklog = 0;
  private warned = false;
  /** Where lines go: the file, or the gzip compressor in front of it. */
  private readonly stream: Writable;
  /** Settles when the file itself is flushed and closed (after the compressor's last bytes). */
  private readonly done: Promise<void>;
  private readonly seen = new Set<string>();
  private readonly tmp: string;

  constructor(
    private readonly path: string,
    private readonly registry: Registry,
    private readonly thresholds: Threshold[],
    private readonly warn: (text: string) => void = () => undefined,
    private readonly backlogWarnBytes = BACKLOG_WARN_BYTES,
  ) {
    this.tmp = `${path}.partial`;
    const file = createWriteStream(this.tmp, { highWaterMark: 1 << 20 });
    this.done = new Promise((resolveDone, reject) => {
      file.once('close', () => resolveDone());
      file.once('error', reject);
    });
    // A write error surfaces from close(); until then it must not crash the run as an unhandled rejection.
    this.done.catch(() => undefined);
    if (path.endsWith('.gz')) {
      // zlib's default level (6); the compressor runs on libuv's thread pool, off the engine's event loop.
      const gzip = createGzip({ chunkSize: 1 << 20 });
      gzip.once('error', (e) => file.destroy(e));
      gzip.pipe(file);
      this.stream = gzip;
    } else this.stream = file;
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
    // Samples cannot wait (the VUs go on), so lines queue in memory while the file is slower; say so once, live.
    const backlog = this.stream.writableLength;
    if (backlog > this.peakBacklog) this.peakBacklog = backlog;
    if (backlog > this.backlogWarnBytes && !this.warned) {
      this.warned = true;
      this.warn(
        `--out json: ${(backlog / (1 << 20)).toFixed(0)} MB of lines wait in memory for ${this.path}: the disk is ` +
          `slower than the samples come; the run goes on, but its memory grows (write to a faster disk, or use a .gz name)`,
      );
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.stream.end();
    return this.done.then(() => renameSync(this.tmp, this.path));
  }
}
