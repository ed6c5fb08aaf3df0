// The k6 JavaScript API as seen by scripts. This file is bundled to an IIFE and evaluated INSIDE each VU's vm context,
// so every object a script can touch belongs to the sandbox realm. It talks to its worker only through `host`
// (primitives and plain data), which it keeps in a closure that scripts cannot reach.
//
// Here the pieces are only assembled: one VuState per VU (vu-state.ts) shared by the k6 modules (modules/; k6/html
// loads vu/html/ on first use), the globals (globals.ts) and the script runner (script-runner.ts); the worker gets
// the object returned below.
import type { HostApi } from './host-api.ts';
import { installGlobals } from './globals.ts';
import { htmlApi } from './html/loader.ts';
import { createScriptRunner } from './script-runner.ts';
import { createCryptoModule } from './modules/crypto.ts';
import { createDataModule } from './modules/data.ts';
import { createEncodingModule } from './modules/encoding.ts';
import { createExecutionModule } from './modules/execution.ts';
import { createHttpModule } from './modules/http.ts';
import { createK6Module } from './modules/k6.ts';
import { createMetricsModule } from './modules/metrics.ts';
import { Error, JSON, Object, String } from './sandbox-builtins.ts';
import { createVuState, type Dict, type VuIdentity } from './vu-state.ts';
import { createCsvModule } from './modules/experimental-csv.ts';
import { createFsModule } from './modules/experimental-fs.ts';
import { createTimersModule, installTimerGlobals } from './timers.ts';
import { installWebCrypto } from './webcrypto.ts';

/** What `require('k6/...')` returns: a frozen ES-module-like namespace whose `default` is the module object. */
function asModule(o: object): Dict {
  // Copy descriptors, not values: k6/execution's members are live getters.
  const m = Object.defineProperties({}, Object.getOwnPropertyDescriptors(o)) as Dict;
  m['default'] = o;
  m['__esModule'] = true;
  return Object.freeze(m);
}

function createRuntime(host: HostApi, id: VuIdentity) {
  const vu = createVuState(host, id);
  const { http, sendWarmUpRequest } = createHttpModule(vu);
  const modules: Record<string, Dict> = {
    k6: asModule(createK6Module(vu)),
    'k6/http': asModule(http),
    'k6/html': asModule({ parseHTML: (html: unknown) => htmlApi(vu, 'parseHTML()').parseHTML(String(html)) }),
    'k6/metrics': asModule(createMetricsModule(vu)),
    'k6/data': asModule(createDataModule(vu)),
    'k6/execution': asModule(createExecutionModule(vu)),
    'k6/encoding': asModule(createEncodingModule(vu)),
    'k6/crypto': asModule(createCryptoModule(vu)),
    'k6/timers': asModule(createTimersModule(vu)),
    'k6/experimental/fs': asModule(createFsModule(vu)),
    'k6/experimental/csv': asModule(createCsvModule()),
  };
  installGlobals(vu);
  installTimerGlobals(modules['k6/timers']!);
  installWebCrypto(vu);
  const runner = createScriptRunner(vu);

  return {
    require(name: string): Dict {
      const m = modules[name];
      if (!m) throw new Error(`unsupported import "${name}": allowed are ${Object.keys(modules).join(', ')}`);
      return m;
    },
    /**
     * Makes warm-up requests (answered by the I/O thread itself, see WARM_UP_METHOD) through the engine's whole
     * request path, off the clock and off the network, so the first iterations of a fresh VU do not run in V8's
     * interpreter: cold VUs are why arrival-rate tests started slow. The script is not called; samples are dropped.
     */
    warmUp(rounds: number): void {
      for (let i = 0; i < rounds; i++) {
        sendWarmUpRequest();
        runner.finishIteration(host.now(), null, null);
      }
    },
    setExports(e: Dict) {
      vu.exports = e;
    },
    exportNames(): string[] {
      return Object.keys(vu.exports).filter((k) => k !== '__esModule');
    },
    optionsJson(): string {
      return JSON.stringify(vu.exports.options ?? {});
    },
    setSetupData: runner.setSetupData,
    iterate: runner.iterate,
    lifecycle: runner.lifecycle,
    /** The host calls it when its microtask queue is empty and a call still waits (script-runner.ts). */
    pump: runner.pump,
    awaitInit: runner.awaitInit,
  };
}

(globalThis as unknown as Record<string, unknown>)['__k6RuntimeFactory'] = createRuntime;
