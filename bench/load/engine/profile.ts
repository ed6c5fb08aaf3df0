// One engine run against the bench endpoint, for profiling and quick looks (prints one line of figures):
//   node --import ./cli/ts-register.js bench/load/engine/profile.ts            (closed.ts, 16 VUs, 5 s)
//   SCRIPT=arrival.ts RATE=2000 VUS=100 SECS=5 node --import ./cli/ts-register.js bench/load/engine/profile.ts
// OUT=file.ndjson writes k6's JSON lines (e.g. to see when iterations were dropped).
// Per-thread CPU profiles: add ENGINE_WORKER_ARGV="--cpu-prof --cpu-prof-dir=DIR" (one .cpuprofile per thread);
// per-thread CPU time: read /proc/<pid>/task/*/stat while it runs (wall-clock profiles overstate on a busy machine).
import { runTest } from '../../../load/engine/src/run.ts';
import { startBenchTarget } from './bench-target.ts';
import { warmEndpoint } from './warm-endpoint.ts';

const server = await startBenchTarget();
try {
  const env = (k: string, d: string) => process.env[k] ?? d;
  // A fresh endpoint process runs its own code cold: warm it up first (WARM=0 to see the cold start).
  if (env('WARM', '1') === '1') await warmEndpoint(`${server.base}/`);
  const started = Date.now();
  const r = await runTest({
    script: new URL(`./scripts/${env('SCRIPT', 'closed.ts')}`, import.meta.url).pathname,
    env: {
      BASE: server.base,
      VUS: env('VUS', '16'),
      SECONDS: env('SECS', '5'),
      RATE: env('RATE', '2000'),
    },
    cli: {},
    quiet: true,
    tags: {},
    ...(process.env['OUT'] ? { jsonOut: process.env['OUT'] } : {}),
    stdout: () => undefined,
  });
  const m = r.summary?.metrics ?? {};
  const val = (metric: string, stat: string) => m[metric]?.values[stat] ?? 0;
  process.stdout.write(
    `http_reqs ${val('http_reqs', 'count')} (${val('http_reqs', 'rate').toFixed(0)}/s), iterations ${val('iterations', 'count')}, ` +
      `dropped ${val('dropped_iterations', 'count')}, p50 ${val('http_req_duration', 'med').toFixed(3)} ms, ` +
      `wall ${Date.now() - started} ms\n`,
  );
} finally {
  server.stop();
}
