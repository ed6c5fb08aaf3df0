// Messages between the engine's threads: main (scheduler + metrics), VU workers, and the HTTP I/O worker.
import type { MessagePort } from 'node:worker_threads';
import type { MetricDeclaration, RawSample } from './vu/host-api.ts';

/** The shared cell a VU blocks on while the I/O thread works: [state, reply length], then the reply bytes (JSON).
 * Replies that fit travel through shared memory; larger ones through the VU's MessagePort (length -1). */
export const IO_SIGNAL_BYTES = 8;
export const IO_REPLY_BYTES = 64 * 1024;

export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Body as text, or base64 when `bodyIsB64`. */
  body: string | null;
  bodyIsB64: boolean;
  timeoutMs: number;
  responseType: 'text' | 'binary' | 'none';
}

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
  headers: Record<string, string>;
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

/** What a VU needs to know about the iteration it is asked to run. */
export interface IterationOrder {
  t: 'iter';
  exec: string;
  scenario: string;
  executor: string;
  scenarioStartTime: number;
  iterationInScenario: number;
  iterationInInstance: number;
  iterationInTest: number;
  scenarioTags: Record<string, string>;
  scenarioEnv: Record<string, string>;
}

export type MainToVu =
  | IterationOrder
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
  | { t: 'done'; samples: RawSample[]; error: string | null; aborted: string | null; durationMs: number }
  | { t: 'lifecycleDone'; result: string | null; error: string | null; aborted: string | null; samples: RawSample[] }
  | { t: 'log'; level: string; text: string }
  | { t: 'samples'; samples: RawSample[] };

/** Data handed to each VU worker at start. */
export interface VuWorkerData {
  vuId: number;
  idInTest: number;
  scriptCode: string;
  scriptPath: string;
  sourceMap: string;
  runtimeCode: string;
  env: Record<string, string>;
  ioPort: MessagePort;
  ioSignal: SharedArrayBuffer;
  stateBuffer: SharedArrayBuffer;
  testStartTime: number;
  sharedArrays: Record<string, string>;
  globalTags: Record<string, string>;
  instanceId: number;
  consoleOutput: boolean;
}
