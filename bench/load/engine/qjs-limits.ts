// Why the QuickJS design misses issue 18's throughput targets: four measurements, each separating one cost.
//   node --import ./cli/ts-register.js bench/load/engine/qjs-limits.ts          (all four, ~1 min)
//   node --import ./cli/ts-register.js bench/load/engine/qjs-limits.ts 1 4      (some of them)
//  1. the interpreter: the same QuickJS release built with asyncify (what the design needs to suspend a VU) and
//     without it, on the same small programs: asyncify's instrumentation is paid on every operation;
//  2. the k6 runtime inside QuickJS: one empty iteration (the bookkeeping every iteration pays);
//  3. many VUs on one thread: an http.get iteration (answered at once) on one VU, and round-robin over 100 VUs;
//  4. the host's own HTTP path (io/perform.ts) with no VU at all: what the design would cost if QuickJS cost nothing.
// Figures are medians of 3 rounds measured in this one run; compare ratios, not absolute figures across runs.
import {
  newQuickJSAsyncWASMModuleFromVariant,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
} from 'quickjs-emscripten-core';
import asyncifyVariant from '@jitl/quickjs-wasmfile-release-asyncify';
import syncVariant from '@jitl/quickjs-wasmfile-release-sync';
import { loadEngineCode } from '../../../load/engine/src/bundle.ts';
import { ConnectionPool, perform } from '../../../load/engine/src/io/perform.ts';
import type { HttpRequestSpec } from '../../../load/engine/src/protocol.ts';
import { QjsVu, useWasmModule } from '../../../load/engine/src/qjs/qjs-vu.ts';
import { asyncifyWasm, BENCH_ORDER, cannedHost, startBenchTarget } from './bench-target.ts';

const only = process.argv.slice(2);
const wanted = (n: string) => only.length === 0 || only.includes(n);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const out = (line: string) => process.stdout.write(`${line}\n`);
const compiled = asyncifyWasm();
useWasmModule(compiled);

/** Evaluates code in a context and returns its value (a number of µs here). */
function evaluate(ctx: QuickJSContext, code: string): number {
  const r = ctx.evalCode(code);
  if (r.error) {
    const e = ctx.dump(r.error) as unknown;
    r.error.dispose();
    throw new Error(`QuickJS: ${JSON.stringify(e)}`);
  }
  const v = ctx.dump(r.value) as number;
  r.value.dispose();
  return v;
}

/** µs per loop turn of `body`, median of 3 rounds after one warm-up round. */
function perTurn(ctx: QuickJSContext, body: string, turns: number): number {
  const code =
    `(() => { function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } let x; ` +
    `const o3 = { a: 1, b: 2, c: 3 }, obj = { f(a) { return a; } }; const t = Date.now(); ` +
    `for (let i = 0; i < ${turns}; i++) { ${body} } return ((Date.now() - t) * 1000) / ${turns}; })()`;
  evaluate(ctx, code);
  return median([0, 1, 2].map(() => evaluate(ctx, code)));
}

if (wanted('1')) {
  out('1. the QuickJS 0.32 interpreter with and without asyncify (µs per operation)');
  const asyncify = await newQuickJSAsyncWASMModuleFromVariant(
    newVariant(asyncifyVariant as never, { wasmModule: compiled }) as never,
  );
  const sync = await newQuickJSWASMModuleFromVariant(syncVariant as never);
  const contexts = { asyncify: asyncify.newContext(), sync: sync.newContext() };
  const programs: [string, string, number][] = [
    ['empty loop turn', '', 400_000],
    ['object literal {a,b,c}', 'x = { a: i, b: 2, c: 3 };', 200_000],
    ['closure', 'x = () => i;', 200_000],
    ['method call', 'x = obj.f(i);', 200_000],
    ['JSON.stringify 3 keys', 'x = JSON.stringify(o3);', 100_000],
    ['fib(10), 177 calls', 'x = fib(10);', 20_000],
  ];
  out(`   ${'program'.padEnd(24)} ${'asyncify'.padStart(9)} ${'sync'.padStart(9)}  ratio`);
  for (const [name, body, turns] of programs) {
    const a = perTurn(contexts.asyncify, body, turns);
    const s = perTurn(contexts.sync, body, turns);
    out(`   ${name.padEnd(24)} ${a.toFixed(3).padStart(9)} ${s.toFixed(3).padStart(9)}  ${(a / s).toFixed(1)}×`);
  }
}

const code = await loadEngineCode('qjs');
const host = cannedHost('/bench/script.js');
const vuOf = (id: number, script: string) =>
  QjsVu.create(host, { vuId: id, idInTest: id, env: {}, globalTags: {}, instanceId: 0 }, code.runtime, script);

if (wanted('2')) {
  out('\n2. the k6 runtime inside QuickJS: one empty iteration, called from QuickJS through the bridge');
  const vu = await vuOf(1, 'module.exports.default = function () {};');
  const internals = vu as unknown as { ctx: QuickJSContext; bridge: { object: QuickJSHandle } };
  const ctx = internals.ctx;
  // The bridge is the host's alone; the benchmark lends it to the global object to loop inside QuickJS.
  ctx.setProp(ctx.global, '__benchBridge', internals.bridge.object);
  // The scenario part of the order, as the host sends it when it changes (QjsVu.iterate).
  const { iterationInScenario: _s, iterationInInstance: _i, iterationInTest: _t, ...run } = BENCH_ORDER;
  const order = JSON.stringify(run);
  evaluate(ctx, `__benchBridge.iterate(${JSON.stringify(order)}, 0, 0, 0); 0`);
  const us = perTurn(ctx, '__benchBridge.iterate("", i, i, i);', 20_000);
  out(`   ${us.toFixed(1)} µs per iteration (its two samples and its end handed to the host: 5 host calls)`);
}

if (wanted('3')) {
  out('\n3. one thread, an http.get iteration answered at once: one VU, then round-robin over 100 VUs');
  const script = `const http = require('k6/http'); module.exports.default = function () { http.get('http://127.0.0.1:1/'); };`;
  const vus: QjsVu[] = [];
  for (let i = 1; i <= 100; i++) vus.push(await vuOf(i, script));
  const order = BENCH_ORDER;
  const round = async (pick: (i: number) => QjsVu): Promise<number> => {
    const t = performance.now();
    for (let i = 0; i < 2000; i++) await pick(i).iterate(order);
    return ((performance.now() - t) / 2000) * 1000;
  };
  // Every VU gets 60 iterations first: what is left is not V8 or the interpreter warming up.
  for (let i = 0; i < 3; i++) await round((n) => vus[n % 100]!);
  const one: number[] = [];
  const many: number[] = [];
  for (let i = 0; i < 3; i++) {
    one.push(await round(() => vus[0]!));
    many.push(await round((n) => vus[n % 100]!));
  }
  out(`   one VU: ${median(one).toFixed(0)} µs per iteration; 100 VUs in turn: ${median(many).toFixed(0)} µs`);
  out(`   (${(median(many) / median(one)).toFixed(2)}×: 100 separate memories and 100 sets of glue functions)`);
}

if (wanted('4')) {
  out('\n4. the host HTTP path alone (io/perform.ts), 8 keep-alive loops on this thread, no VU');
  const target = await startBenchTarget();
  try {
    const spec: HttpRequestSpec = {
      method: 'GET',
      url: `${target.base}/`,
      headers: { 'User-Agent': 'k6-bench' },
      body: null,
      bodyIsB64: false,
      timeoutMs: 60_000,
      responseType: 'text',
    };
    const rates: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < 4; r++) {
      let n = 0;
      let failed = 0;
      const until = performance.now() + 3000;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          const pool = new ConnectionPool();
          while (performance.now() < until) {
            if ((await perform(pool, spec)).status !== 200) failed++;
            n++;
          }
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      if (failed > 0) throw new Error(`${failed} of ${n} requests to the bench endpoint failed`);
      if (r === 0) continue; // warm-up round
      rates.push(n / ((performance.now() - t0) / 1000));
      cpus.push((cpu.user + cpu.system) / n);
    }
    out(
      `   ${median(rates).toFixed(0)} req/s on one thread, ${median(cpus).toFixed(1)} µs of this process's CPU per request`,
    );
  } finally {
    target.stop();
  }
}
