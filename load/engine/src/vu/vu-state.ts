// The state a VU's k6 modules share, in one object instead of variables of one big closure. Each field says who
// writes it and who reads it. One object per VU (runtime.ts makes it); it lives in the sandbox realm.
import { createEventLoop, type EventLoop } from './event-loop.ts';
import type { HostApi, RawSample } from './host-api.ts';
import { Error } from './sandbox-builtins.ts';

export type Dict = Record<string, unknown>;
export type Tags = Record<string, string>;

/** Who this VU is; fixed for its life. */
export interface VuIdentity {
  vuId: number;
  idInTest: number;
  env: Record<string, string>;
  globalTags: Tags;
  instanceId: number;
}

/** The iteration (or lifecycle call) running now. Written by the script runner; read by k6/execution and by the
 * tags every sample gets (scenario). */
export interface CurrentIteration {
  scenario: string;
  executor: string;
  scenarioStartTime: number;
  iterationInScenario: number;
  iterationInInstance: number;
  iterationInTest: number;
  /** This VU's own iteration count, -1 before its first. */
  vuIteration: number;
  scenarioTags: Tags;
}

export interface VuState {
  /** The bridge to the worker: the request primitive, clock, sleep, metric declarations, hashing, files. */
  readonly host: HostApi;
  readonly id: VuIdentity;
  readonly current: CurrentIteration;
  /** The metric sink: every module's samples of this iteration. The script runner hands them over and empties it. */
  samples: RawSample[];
  /** k6's `group` tag: group() in k6 nests it ('::a::b'); the script runner resets it to ''. */
  groupPath: string;
  /** Bytes of this iteration's requests: k6/http adds them; the script runner emits them as data_sent /
   * data_received and resets them. */
  iterBytes: { sent: number; received: number };
  /** exec.vu.tags: k6/execution hands this object to scripts, which write it; every sample carries its tags. */
  readonly vuTags: Dict;
  /** exec.vu.metrics.metadata: handed out by k6/execution, not read by the engine. */
  readonly vuMetadata: Dict;
  /** The script's exports, set after the init context: k6/execution reads `options`, the script runner calls them. */
  exports: Dict;
  /** k6/http's request(method, url, body, params), set by k6/http: Response.submitForm / clickLink send with it. */
  request: ((method: string, url: unknown, body: unknown, params: unknown) => unknown) | null;
  /** Timers and queued async work (event-loop.ts): k6/timers and k6/http arm it, the script runner drains it. */
  readonly loop: EventLoop;
}

export function createVuState(host: HostApi, id: VuIdentity): VuState {
  return {
    host,
    id,
    current: {
      scenario: '',
      executor: '',
      scenarioStartTime: 0,
      iterationInScenario: 0,
      iterationInInstance: 0,
      iterationInTest: 0,
      vuIteration: -1,
      scenarioTags: {},
    },
    samples: [],
    groupPath: '',
    iterBytes: { sent: 0, received: 0 },
    vuTags: {},
    vuMetadata: {},
    exports: {},
    request: null,
    loop: createEventLoop(host),
  };
}

/** k6 refuses most of its API in the init context (the script's top level). */
export function requireVuContext(vu: VuState, what: string): void {
  if (vu.host.isInitPhase()) throw new Error(`${what} can only be used inside a VU function, not in the init context`);
}
