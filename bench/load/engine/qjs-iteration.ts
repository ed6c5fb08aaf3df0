// The QuickJS design's cost per iteration and per VU start, without I/O: one VU in this thread, its requests answered
// at once by a canned result, so what is measured is the VU (QuickJS, the k6 runtime, the host calls), not HTTP.
//   node --import ./cli/ts-register.js bench/load/engine/qjs-iteration.ts            (6,000 iterations per script)
//   N=20000 node --import ./cli/ts-register.js bench/load/engine/qjs-iteration.ts get
// Prints the median of 500-iteration chunks (the first 200 iterations are left out: V8 and the interpreter warm up).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleScript, loadEngineCode } from '../../../load/engine/src/bundle.ts';
import { QjsVu, useWasmModule } from '../../../load/engine/src/qjs/qjs-vu.ts';
import { asyncifyWasm, BENCH_ORDER, cannedHost } from './bench-target.ts';

const scripts: Record<string, string> = {
  empty: `export default function () {}`,
  get: `import http from 'k6/http'; export default function () { http.get('http://127.0.0.1:1/'); }`,
  'post+checks': `import http from 'k6/http'; import { check } from 'k6';
    export default function () {
      const r = http.post('http://127.0.0.1:1/', JSON.stringify({ a: 1 }), { headers: { 'Content-Type': 'application/json' } });
      check(r, { '200': (x) => x.status === 200, body: (x) => x.body.length > 0 });
    }`,
};

useWasmModule(asyncifyWasm());
const code = await loadEngineCode('qjs');
const dir = mkdtempSync(join(tmpdir(), 'qjs-iteration-'));
const N = Math.max(1000, Number(process.env['N'] ?? 6000));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

for (const [name, source] of Object.entries(scripts)) {
  if (process.argv[2] !== undefined && process.argv[2] !== name) continue;
  const path = join(dir, `${name.replace(/\W/g, '-')}.js`);
  writeFileSync(path, source);
  const bundle = await bundleScript(path);
  let samples = 0;
  const host = cannedHost(path, code.html);
  const starts: number[] = [];
  let vu: QjsVu | undefined;
  for (let i = 1; i <= 21; i++) {
    const t = performance.now();
    vu = await QjsVu.create(
      host,
      { vuId: i, idInTest: i, env: {}, globalTags: {}, instanceId: 0 },
      code.runtime,
      bundle.code,
    );
    // The first VU of a thread evaluates the runtime and keeps its image; the later ones are what a test adds.
    if (i > 1) starts.push(performance.now() - t);
  }
  const order = BENCH_ORDER;
  for (let i = 0; i < 200; i++) await vu!.iterate(order);
  const chunks: number[] = [];
  for (let c = 0; c < N / 500; c++) {
    const t = performance.now();
    for (let i = 0; i < 500; i++) {
      const o = await vu!.iterate(order);
      samples += o.samples.length;
      if (o.error !== null) throw new Error(`${name}: ${o.error}`);
    }
    chunks.push(((performance.now() - t) / 500) * 1000);
  }
  process.stdout.write(
    `${name.padEnd(12)} ${median(chunks).toFixed(0).padStart(4)} µs per iteration (chunks ${Math.min(...chunks).toFixed(0)}–` +
      `${Math.max(...chunks).toFixed(0)}), ${(samples / (chunks.length * 500)).toFixed(1)} samples each; VU start ${median(starts).toFixed(1)} ms (median of 20)\n`,
  );
}
