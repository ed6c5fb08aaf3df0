// k6/execution: live information about the scenario, the instance and this VU, plus test.abort(). Its members are
// getters, read when the script reads them.
import { Error, JSON, Math, Number, String } from '../sandbox-builtins.ts';
import { requireVuContext, type Dict, type VuState } from '../vu-state.ts';

/** Thrown by exec.test.abort() to unwind the script; the script runner reports it as an abort, not an error. */
export class ScriptAbort extends Error {}

export function createExecutionModule(vu: VuState) {
  const { host, current, id } = vu;
  function execState(): Dict {
    return JSON.parse(host.executionState()) as Dict;
  }
  return {
    get scenario() {
      requireVuContext(vu, 'exec.scenario');
      return {
        name: current.scenario,
        executor: current.executor,
        startTime: current.scenarioStartTime,
        progress: Number(execState()['progress'] ?? 0),
        iterationInInstance: current.iterationInInstance,
        iterationInTest: current.iterationInTest,
      };
    },
    get instance() {
      const s = execState();
      return {
        iterationsInterrupted: Number(s['iterationsInterrupted']),
        iterationsCompleted: Number(s['iterationsCompleted']),
        vusActive: Number(s['vusActive']),
        vusInitialized: Number(s['vusInitialized']),
        currentTestRunDuration: Number(s['currentTestRunDuration']),
      };
    },
    test: {
      abort(reason?: string): never {
        const why = reason === undefined ? 'test aborted' : String(reason);
        host.abort(why);
        throw new ScriptAbort(why);
      },
      fail(message?: string): void {
        host.log('error', `exec.test.fail(): ${message ?? ''}`);
      },
      get options(): unknown {
        // A copy: the script must not change the options the engine runs with.
        return JSON.parse(JSON.stringify(vu.exports.options ?? {}));
      },
    },
    vu: {
      get iterationInInstance() {
        return Math.max(current.vuIteration, 0);
      },
      get iterationInScenario() {
        return current.iterationInScenario;
      },
      get idInInstance() {
        return id.vuId;
      },
      get idInTest() {
        return id.idInTest;
      },
      tags: vu.vuTags,
      metrics: { tags: vu.vuTags, metadata: vu.vuMetadata },
    },
  };
}
