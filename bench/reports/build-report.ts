// Benchmark: load report build time and peak memory for a synthetic 10-minute run's metric stream (target <= 5 s).
//   node --import ./cli/ts-register.js bench/reports/build-report.ts [--rps 100] [--minutes 10] [--runs 3]
// Prints figures; asserts nothing. Each build runs in its own process; a 2-minute stream is built too, to show that
// peak memory follows the number of buckets, not the length of the run. Each stream is built from metrics.ndjson and
// from metrics.ndjson.gz (what npm run load writes), alternating, so the two are compared under the same load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../reports/lib/files.ts';
import { runMain } from '../../core/main.ts';
import { writeSyntheticRun } from '../../reports/test/synthetic-run.ts';

interface Figures {
  ms: number;
  cpuMs?: number;
  maxRssKb: number;
  lines?: number;
  requests?: number;
}

function child(args: string[]): Figures {
  const r = spawnSync(process.execPath, ['--import', './cli/ts-register.js', 'bench/reports/build-once.ts', ...args], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`benchmark child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Figures;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new InputError(`${name} needs a positive number`);
  return v;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const rps = option(argv, '--rps', 100);
  const minutes = option(argv, '--minutes', 10);
  const runs = Math.round(option(argv, '--runs', 3));
  const root = mkdtempSync(join(tmpdir(), 'report-bench-'));
  try {
    const streams = [
      { label: `${minutes}-minute run`, seconds: minutes * 60 },
      { label: '2-minute run (same rate)', seconds: 120 },
    ];
    const baseline = child(['--baseline']);
    console.log(`Load report build benchmark: ${rps} req/s plateau, ${runs} builds each, one process per build`);
    console.log(`runtime baseline (node + ts-node, no build): peak RSS ${(baseline.maxRssKb / 1024).toFixed(0)} MiB`);
    for (const s of streams) {
      const base = join(root, s.label.split(' ')[0] ?? 'run');
      const forms = [false, true].map((gzip) => {
        const dir = `${base}${gzip ? '-gz' : ''}`;
        return {
          gzip,
          dir,
          gen: writeSyntheticRun(dir, { durationSec: s.seconds, rps, seed: 11, gzip }),
          runs: [] as Figures[],
        };
      });
      for (let i = 0; i < runs; i += 1) for (const f of forms) f.runs.push(child([f.dir]));
      const medians: number[] = [];
      for (const { gzip, gen, runs: results } of forms) {
        const ms = median(results.map((r) => r.ms));
        const cpuMs = median(results.map((r) => r.cpuMs ?? NaN));
        medians.push(cpuMs);
        const rss = Math.max(...results.map((r) => r.maxRssKb)) / 1024;
        const mb = gen.bytes / 1e6;
        console.log(
          `${s.label}, ${gzip ? 'metrics.ndjson.gz' : 'metrics.ndjson   '}: ${gen.requests.toLocaleString('en-US')} requests, ${gen.lines.toLocaleString('en-US')} lines, ${mb.toFixed(0)} MB (file ${(gen.fileBytes / 1e6).toFixed(1)} MB)` +
            ` -> build median ${(ms / 1000).toFixed(2)} s wall (${results.map((r) => (r.ms / 1000).toFixed(2)).join(' / ')} s), ${(cpuMs / 1000).toFixed(2)} s CPU,` +
            ` ${(mb / (ms / 1000)).toFixed(0)} MB/s, peak RSS ${rss.toFixed(0)} MiB (+${(rss - baseline.maxRssKb / 1024).toFixed(0)} MiB over baseline)`,
        );
      }
      console.log(`${s.label}: CPU time .gz / plain = ${((medians[1] ?? NaN) / (medians[0] ?? NaN)).toFixed(2)}`);
      for (const f of forms) rmSync(f.dir, { recursive: true, force: true });
    }
    console.log(
      `target: <= 5 s for the 10-minute stream; machine load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores (wall time grows with it, CPU time does not)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return 0;
}

runMain('bench report', main);
