// The engine benchmarks' pieces in one place: the loopback endpoint they load (target-server.ts in a process of its
// own, so its CPU is not the engine's), and a QuickJS VU's host whose requests are answered at once (what the
// micro benchmarks time is the VU, not HTTP).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { transformSync } from 'esbuild';
import type { IterationOrder } from '../../../load/engine/src/protocol.ts';
import type { AsyncHost } from '../../../load/engine/src/qjs/qjs-vu.ts';
import { nodeHostCalls } from '../../../load/engine/src/vu/node-host.ts';

export interface BenchTarget {
  base: string;
  child: ChildProcess;
  stop(): void;
}

/** The trivial endpoint on an ephemeral loopback port; ADDED_MS delays every response. It exits with its stdin. */
export async function startBenchTarget(addedMs = 0): Promise<BenchTarget> {
  const code = transformSync(readFileSync(new URL('./target-server.ts', import.meta.url), 'utf8'), {
    loader: 'ts',
    format: 'cjs',
  }).code;
  const child = spawn(process.execPath, ['-e', code], { env: { ...process.env, ADDED_MS: String(addedMs) } });
  const port = await new Promise<string>((resolvePort, reject) => {
    child.stdout.once('data', (d: Buffer) => resolvePort(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`bench target exited (${c})`)));
  });
  return { base: `http://127.0.0.1:${port}`, child, stop: () => child.kill() };
}

/** The asyncify QuickJS module the engine's VUs instantiate, compiled in this thread. */
export function asyncifyWasm(): WebAssembly.Module {
  const require = createRequire(import.meta.url);
  const api = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => WebAssembly.Module } })
    .WebAssembly;
  return new api.Module(readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-asyncify/wasm')));
}

/** One request's result as the host hands it to a VU: a 200 with a 2-byte body. */
export const CANNED_RESULT = JSON.stringify([
  {
    status: 200,
    statusText: '200 OK',
    proto: 'HTTP/1.1',
    headers: { 'Content-Type': 'text/plain', 'Content-Length': '2' },
    setCookies: [],
    body: 'ok',
    bodyIsB64: false,
    url: 'http://127.0.0.1:1/',
    remoteIp: '127.0.0.1',
    remotePort: 1,
    timings: { duration: 1, blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 1, receiving: 0 },
    error: '',
    errorCode: 0,
    bytesSent: 10,
    bytesReceived: 10,
    endTime: Date.now(),
  },
]);

/** A VU host with no I/O: every request gets CANNED_RESULT at once, sleeps end at once, samples are dropped. */
export function cannedHost(scriptPath: string, htmlCode = ''): AsyncHost {
  return {
    request: async () => CANNED_RESULT,
    sleep: async () => undefined,
    flush: () => undefined,
    abort: () => undefined,
    log: () => undefined,
    isInitPhase: () => false,
    htmlModuleSource: () => htmlCode,
    ...nodeHostCalls({
      scriptPath,
      testStartTime: Date.now(),
      state: new Int32Array(new SharedArrayBuffer(64)),
      sharedArrays: {},
      declared: [],
    }),
  };
}

/** A constant-vus iteration of the default function: what the micro benchmarks ask a VU to run. */
export const BENCH_ORDER: IterationOrder = {
  exec: 'default',
  scenario: 'default',
  executor: 'constant-vus',
  scenarioStartTime: Date.now(),
  scenarioTags: {},
  scenarioEnv: {},
  iterationInScenario: 0,
  iterationInInstance: 0,
  iterationInTest: 0,
};
