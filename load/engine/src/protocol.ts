// Messages between the engine's threads: main (scheduler + metrics), VU workers, and the HTTP I/O worker.
import type { MessagePort } from 'node:worker_threads';
import type { MetricDeclaration, RawSample } from './vu/host-api.ts';

/**
 * A VU's I/O cell, shared with the I/O thread: Int32 [reply ready, reply length, request waiting, request length], then
 * the reply bytes and the request bytes (JSON). A request is announced by ringing the I/O thread's doorbell instead of
 * a message, and the VU blocks on `reply ready`. Payloads that do not fit travel through the VU's MessagePort.
 */
export const IO = { REPLY: 0, REPLY_LEN: 1, REQUEST: 2, REQUEST_LEN: 3 } as const;
export const IO_SIGNAL_BYTES = 16;
export const IO_REPLY_BYTES = 64 * 1024;
export const IO_REQUEST_BYTES = 64 * 1024;
export const IO_CELL_BYTES = IO_SIGNAL_BYTES + IO_REPLY_BYTES + IO_REQUEST_BYTES;
/**
 * The I/O thread's doorbell, one for all VUs: Int32 [rings, asleep]. A VU adds a ring and wakes the thread only when it
 * is asleep, so while the I/O thread is busy new requests cost it no wake-up at all (it scans the cells again).
 */
export const BELL = { RINGS: 0, ASLEEP: 1 } as const;
export const BELL_BYTES = 8;

/** A request the I/O thread answers itself (200, a small JSON body, no network): VUs send a few hundred before the
 * test clock starts, so V8 has compiled the whole request path (VU, doorbell, I/O thread, reply) by then. */
export const WARM_UP_METHOD = 'K6-NODE-ENGINE-WARM-UP';

export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Body as text, or base64 when `bodyIsB64`. */
  body: string | null;
  bodyIsB64: boolean;
  timeoutMs: number;
  responseType: 'text' | 'binary' | 'none';
  /** params.compression: the body is compressed with each, in order, and Content-Encoding names them. */
  compression?: RequestCompression[];
}

/** The request-body codings params.compression accepts (k6 also has zstd, which Node 20's zlib lacks). */
export type RequestCompression = 'gzip' | 'deflate' | 'br';

export interface HttpTimings {
  duration: number;
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
}

export interface HttpResult {
  status: number;
  statusText: string;
  proto: string;
  /** Repeated headers joined with ", " (as k6's res.headers shows them). */
  headers: Record<string, string>;
  /** Each Set-Cookie header apart: joined with ", " they could not be split again (Expires dates hold commas). */
  setCookies: string[];
  body: string | null;
  bodyIsB64: boolean;
  url: string;
  remoteIp: string;
  remotePort: number;
  timings: HttpTimings;
  error: string;
  errorCode: number;
  bytesSent: number;
  bytesReceived: number;
  /** ms since epoch when the request finished (the sample time). */
  endTime: number;
}

/** What a VU needs to know about the scenario whose iterations it runs. */
export interface ScenarioRun {
  exec: string;
  scenario: string;
  executor: string;
  scenarioStartTime: number;
  scenarioTags: Record<string, string>;
  scenarioEnv: Record<string, string>;
}

/** One iteration as the runtime receives it. */
export interface IterationOrder extends ScenarioRun {
  iterationInScenario: number;
  iterationInInstance: number;
  iterationInTest: number;
}

/** A closed-model scenario, looped by the VU itself (no round trip to main per iteration). */
export interface LoopSpec {
  kind: 'shared-iterations' | 'per-vu-iterations' | 'constant-vus' | 'ramping-vus';
  /** ms since epoch: no iteration starts at or after this time. */
  endAt: number;
  /** Scenario-wide Int32 counter [next iteration number in this instance] shared by the scenario's VUs. */
  counter: SharedArrayBuffer;
  /** shared-iterations: this instance's total; per-vu-iterations: iterations per VU. */
  iterations: number;
  segment: string | undefined;
  segmentSequence: string | undefined;
  /** ramping-vus: this VU is active while its index in the scenario is below the stages' current VU count. */
  ramping?: { index: number; start: number; startVUs: number; stages: { durationMs: number; target: number }[] };
}

/**
 * A VU's control block, shared with main (Int32 cells). Main starts arrival-rate iterations through it and stops
 * loops with it: a futex wake-up instead of a message and an event-loop turn per iteration.
 * CMD: 0 none, 1 run the iteration whose numbers are in the Float64 cells, 2 stop the loop.
 * STATE: 0 free, 1 busy (running an iteration). STARTED: iterations this VU started in the current loop.
 */
export const CTL = { CMD: 0, STATE: 1, STARTED: 2 } as const;
export const CMD = { NONE: 0, RUN: 1, STOP: 2 } as const;
/** Float64 cells after the Int32 ones: [iterationInInstance, iterationInTest]. */
export const CTL_F64_OFFSET = 16;
export const CTL_BYTES = 32;

export type MainToVu =
  | ({ t: 'serve' } & ScenarioRun)
  | ({ t: 'loop'; loop: LoopSpec } & ScenarioRun)
  | { t: 'setup' }
  | { t: 'teardown'; data: string }
  | { t: 'summary'; data: string }
  | { t: 'setData'; data: string };

export type VuToMain =
  | {
      t: 'ready';
      options: string;
      exports: string[];
      metrics: MetricDeclaration[];
      sharedArrays: Record<string, string>;
    }
  | { t: 'initError'; message: string }
  | { t: 'iterationError'; error: string; scenario: string; executor: string }
  | { t: 'aborted'; reason: string }
  | { t: 'loopDone' }
  | { t: 'lifecycleDone'; result: string | null; error: string | null; aborted: string | null; samples: RawSample[] }
  | { t: 'log'; level: string; text: string }
  | { t: 'samples'; samples: RawSample[] };

/** What every thread that runs VUs gets about the test, in either engine design (vu-pool.ts builds it). */
export interface ScriptThreadData {
  scriptCode: string;
  scriptPath: string;
  sourceMap: string;
  runtimeCode: string;
  /** The lazily evaluated HTML bundle (vu/html/), handed to the sandbox on its first res.html(). */
  htmlCode: string;
  env: Record<string, string>;
  /** The live execution state main writes (execution-state.ts). */
  stateBuffer: SharedArrayBuffer;
  testStartTime: number;
  sharedArrays: Record<string, string>;
  globalTags: Record<string, string>;
  instanceId: number;
}

/** Data handed to each VU worker at start. */
export interface VuWorkerData extends ScriptThreadData {
  vuId: number;
  idInTest: number;
  ioPort: MessagePort;
  ioSignal: SharedArrayBuffer;
  ioDoorbell: SharedArrayBuffer;
  /** This VU's control block (CTL_BYTES). */
  control: SharedArrayBuffer;
  consoleOutput: boolean;
}
