// The live execution counters k6/execution reads (exec.instance.*), one owner for their shared cells: main writes
// the VU counts, the threads that run iterations (VU threads, or host threads of the second design) add completed
// and interrupted ones, and any of them reads all four. A SharedArrayBuffer, so reading costs no message.

/** Int32 cell of each counter in the shared buffer. */
export const STATE = { VUS_ACTIVE: 0, VUS_INITIALIZED: 1, COMPLETED: 2, INTERRUPTED: 3 } as const;
export const STATE_BYTES = 16;

/** Main's side, shared by both pool designs (vu-pool.ts, qjs/host-pool.ts). */
export class ExecutionCounters {
  readonly stateBuffer = new SharedArrayBuffer(STATE_BYTES);
  readonly state = new Int32Array(this.stateBuffer);

  setInitialized(n: number): void {
    Atomics.store(this.state, STATE.VUS_INITIALIZED, n);
  }

  setActive(n: number): void {
    Atomics.store(this.state, STATE.VUS_ACTIVE, n);
  }

  countInterrupted(): void {
    Atomics.add(this.state, STATE.INTERRUPTED, 1);
  }

  get completed(): number {
    return Atomics.load(this.state, STATE.COMPLETED);
  }

  get interrupted(): number {
    return Atomics.load(this.state, STATE.INTERRUPTED);
  }
}
