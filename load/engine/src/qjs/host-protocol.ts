// Messages between main and the second design's host threads (host-thread.ts). Every message names its VU.
import type { LoopSpec, ScenarioRun, ScriptThreadData } from '../protocol.ts';
import type { MetricDeclaration, RawSample } from '../vu/host-api.ts';

export interface HostThreadData extends ScriptThreadData {
  insecureSkipTLSVerify: boolean;
  /** The compiled QuickJS asyncify module every VU of the thread instantiates. */
  wasm: WebAssembly.Module;
}

/**
 * A VU's live loop state, written by its host thread and read by main, so iterations start and end without a message
 * back: STARTED counts the iterations begun in the current loop (per-vu-iterations needs it; for arrival-rate, main
 * compares it with the starts it sent), RUNNING says one is in progress (a free arrival-rate VU; a stopped VU's
 * interrupted iteration).
 */
export const VU_CELL = { STARTED: 0, RUNNING: 1 } as const;
export const VU_CELLS = 2;

export type MainToHost =
  | { t: 'spawn'; vu: number; idInTest: number; cells: SharedArrayBuffer }
  | { t: 'insecure'; value: boolean }
  | { t: 'serve'; vu: number; run: ScenarioRun }
  /** Arrival-rate starts, batched per scheduling tick: [vu, iterationInInstance, iterationInTest] repeated. */
  | { t: 'starts'; list: number[] }
  | { t: 'loop'; vu: number; run: ScenarioRun; loop: LoopSpec }
  | { t: 'stop'; vu: number }
  | { t: 'setData'; vu: number; data: string }
  | { t: 'lifecycle'; vu: number; name: string; arg: string }
  | { t: 'kill'; vu: number };

export type HostToMain =
  | {
      t: 'ready';
      vu: number;
      options: string;
      exports: string[];
      metrics: MetricDeclaration[];
      sharedArrays: Record<string, string>;
    }
  | { t: 'initError'; vu: number; message: string }
  | { t: 'loopDone'; vu: number }
  | { t: 'killed'; vu: number }
  | {
      t: 'lifecycleDone';
      vu: number;
      result: string | null;
      error: string | null;
      aborted: string | null;
      samples: RawSample[];
    }
  | { t: 'iterationError'; error: string; scenario: string; executor: string }
  | { t: 'aborted'; reason: string }
  | { t: 'log'; vu: number; level: string; text: string }
  | { t: 'samples'; samples: RawSample[] }
  /** The thread's event-loop delay since it started (monitorEventLoopDelay), every second. */
  | { t: 'lag'; p99Ms: number; maxMs: number };
