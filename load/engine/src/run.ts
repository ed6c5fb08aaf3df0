// One test run on the node engine: load the script, init VUs, setup(), run the scenarios, teardown(), thresholds,
// summary and outputs. Returns k6's exit code.
import { writeFileAtomic } from '../../../core/files.ts';
import { bundleScript, loadEngineCode } from './bundle.ts';
import { formatDuration } from './duration.ts';
import { EngineError, EXIT, invalidConfig, scriptError } from './errors.ts';
import { runScenario, type ExecutorContext } from './executors.ts';
import { JsonOutput } from './json-output.ts';
import { Registry } from './metrics.ts';
import {
  checkHttpOptions,
  resolveScenarios,
  scenarioSpanMs,
  type CliOverrides,
  type Dict,
  type Scenario,
} from './options.ts';
import { ExecutionSegment } from './segments.ts';
import { oneLine } from './stack.ts';
import { buildSummary, legacyExport, textSummary, type CheckTally, type SummaryData } from './summary.ts';
import { evaluate, evaluateForAbort, parseThresholds, thresholdsWithoutSamples, type Threshold } from './thresholds.ts';
import type { RawSample } from './vu/host-api.ts';
import { VuPool, type EnginePool, type EngineVu as Vu } from './vu-pool.ts';
import { engineDesign, HostPool, hostThreadCount } from './qjs/host-pool.ts';

/** Timing error the second design may add to a measured latency before the summary warns (issue 18: 1 ms). */
const LAG_BUDGET_MS = 1;

export interface RunOptions {
  script: string;
  env: Record<string, string>;
  cli: CliOverrides;
  jsonOut?: string;
  summaryExport?: string;
  segment?: string;
  segmentSequence?: string;
  quiet: boolean;
  tags: Record<string, string>;
  /** --offline: remote modules (https:// imports) from the cache only. */
  offline?: boolean;
  /** Where the text summary and handleSummary 'stdout' go (tests capture it). */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Called once the script has loaded and its options are valid: the run is really starting. */
  onStart?: () => void;
}

export interface RunResult {
  exitCode: number;
  summary: SummaryData | null;
}

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

function describeScenario(s: Scenario): string {
  const gs = `gracefulStop: ${formatDuration(s.gracefulStopMs)}`;
  const st = s.startTimeMs > 0 ? `, startTime: ${formatDuration(s.startTimeMs)}` : '';
  const span = formatDuration(s.stages.reduce((a, x) => a + x.durationMs, 0));
  switch (s.executor) {
    case 'shared-iterations':
      return `${s.iterations} iterations shared among ${s.vus} VUs (maxDuration: ${formatDuration(s.maxDurationMs)}, ${gs}${st})`;
    case 'per-vu-iterations':
      return `${s.iterations} iterations for each of ${s.vus} VUs (maxDuration: ${formatDuration(s.maxDurationMs)}, ${gs}${st})`;
    case 'constant-vus':
      return `${s.vus} looping VUs for ${formatDuration(s.durationMs)} (${gs}${st})`;
    case 'ramping-vus':
      return `Up to ${s.vus} looping VUs for ${span} over ${s.stages.length} stages (gracefulRampDown: ${formatDuration(s.gracefulRampDownMs)}, ${gs}${st})`;
    case 'constant-arrival-rate':
      return `${s.rate} iterations/${formatDuration(s.timeUnitMs)} for ${formatDuration(s.durationMs)} (maxVUs: ${s.preAllocatedVUs}-${s.maxVUs}, ${gs}${st})`;
    case 'ramping-arrival-rate':
      return `Up to ${Math.max(s.startRate, ...s.stages.map((x) => x.target))} iterations/${formatDuration(s.timeUnitMs)} for ${span} over ${s.stages.length} stages (maxVUs: ${s.preAllocatedVUs}-${s.maxVUs}, ${gs}${st})`;
  }
}

export async function runTest(o: RunOptions): Promise<RunResult> {
  const out = o.stdout ?? ((t: string) => process.stdout.write(t));
  const err = o.stderr ?? ((t: string) => process.stderr.write(t));
  const testStart = Date.now();
  const elapsed = () => Date.now() - testStart;
  const stamp = () => String(Math.floor(elapsed() / 1000)).padStart(4, '0');

  const segment = new ExecutionSegment(o.segment, o.segmentSequence);

  let abortReason: string | null = null;
  let abortCode = 0;
  const abortListeners = new Set<() => void>();
  const abort = (reason: string, exitCode: number) => {
    if (abortReason !== null) return;
    abortReason = reason;
    abortCode = exitCode;
    for (const l of [...abortListeners]) l();
  };
  // Where the run is, for what a signal does: before the first iteration (script loading, the init contexts,
  // setup()) nothing is left to finish, so the run ends at once.
  let phase: 'init' | 'setup' | 'run' = 'init';
  // Ctrl-C / SIGTERM: stop starting iterations, interrupt running ones, still run teardown and print the summary
  // (k6 exits 105 then); during init or setup() the run ends at once; a second signal ends the process at once.
  const onSignal = (signal: NodeJS.Signals) => {
    if (abortReason !== null) {
      err(`\nquitting at once on a second ${signal}\n`);
      process.exit(EXIT.externalAbort);
    }
    err(
      phase === 'run'
        ? `\nstopping on ${signal}: teardown and summary follow (send it again to quit at once)\n`
        : `\nstopping on ${signal} during ${phase === 'init' ? 'init' : 'setup()'}: no iteration has run\n`,
    );
    abort(`test run interrupted by ${signal}`, EXIT.externalAbort);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const detachSignals = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  /** Waits for p unless the run is stopped first (exit 105): a VU's init context or setup() may never answer. */
  const unlessStopped = <T>(p: Promise<T>, during: string): Promise<T> =>
    new Promise<T>((resolveP, rejectP) => {
      const stop = () =>
        rejectP(new EngineError(`${String(abortReason)} during ${during}: no iteration ran`, abortCode));
      if (abortReason !== null) return stop();
      abortListeners.add(stop);
      p.then(
        (v) => {
          abortListeners.delete(stop);
          resolveP(v);
        },
        (e: unknown) => {
          abortListeners.delete(stop);
          rejectP(e as Error);
        },
      );
    });

  let bundle: Awaited<ReturnType<typeof bundleScript>>;
  let code: Awaited<ReturnType<typeof loadEngineCode>>;
  // K6_ENGINE_DESIGN=qjs: the second design (many QuickJS VUs per host thread, issue 18), still being brought to
  // parity; the thread-per-VU design stays the default until it is.
  const design = engineDesign(process.env);
  if (design === 'qjs') hostThreadCount(process.env);
  try {
    bundle = await unlessStopped(bundleScript(o.script, { offline: o.offline === true }), 'init');
    code = await unlessStopped(loadEngineCode(design), 'init');
  } catch (e) {
    detachSignals();
    throw e;
  }

  let registry: Registry | null = null;
  let json: JsonOutput | null = null;
  const checkTally = new Map<string, CheckTally>();
  const groupPaths = new Set<string>();
  let errorLines = 0;
  let suppressedErrors = 0;

  const ingest = (samples: RawSample[]) => {
    if (!registry) return;
    for (const s of samples) {
      const [metric, value, tags] = s;
      registry.add(metric, value, tags);
      if (metric === 'checks') {
        const key = `${tags['group'] ?? ''}\u0000${tags['check'] ?? ''}`;
        let t = checkTally.get(key);
        if (!t) {
          t = { group: tags['group'] ?? '', name: tags['check'] ?? '', passes: 0, fails: 0 };
          checkTally.set(key, t);
        }
        if (value !== 0) t.passes++;
        else t.fails++;
      }
      if (metric === 'group_duration' && tags['group']) groupPaths.add(tags['group']);
    }
    json?.write(samples);
  };
  const logError = (text: string, fields: string) => {
    if (errorLines >= 20) {
      suppressedErrors++;
      return;
    }
    errorLines++;
    err(`ERRO[${stamp()}] ${text.trimEnd()}  ${fields}\n`);
  };

  const Pool = design === 'qjs' ? HostPool : VuPool;
  const pool: EnginePool = new Pool(
    {
      bundle,
      code,
      env: o.env,
      testStartTime: testStart,
      globalTags: o.tags,
      instanceId: 0,
      insecureSkipTLSVerify: false,
    },
    {
      onSamples: ingest,
      onLog: (vu, level, text) => {
        if (level === 'debug') return;
        const lvl = level === 'error' ? 'ERRO' : level === 'warn' ? 'WARN' : 'INFO';
        err(`${lvl}[${stamp()}] ${text}  source=console${vu > 0 ? ` vu=${vu}` : ''}\n`);
      },
      onIterationError: (error, scenario, executor) =>
        logError(error, `executor=${executor} scenario=${scenario} source=stacktrace`),
      onAbort: (reason) => abort(reason, EXIT.scriptAborted),
      onInterrupted: () => pool.countInterrupted(),
    },
  );

  try {
    // Init context once (VU 0, as k6 uses for setup/teardown) to read options, exports and custom metrics.
    const lifecycleVu = pool.spawn(0, 0);
    const info = await unlessStopped(
      lifecycleVu.ready.catch((e: Error) => {
        throw scriptError(`script error in the init context: ${oneLine(e.message)}`);
      }),
      'init',
    );
    pool.sharedArrays = info.sharedArrays;
    let options: Dict;
    try {
      options = JSON.parse(info.options) as Dict;
    } catch {
      throw invalidConfig('options could not be serialised to JSON');
    }
    const scenarios = resolveScenarios(options, o.cli, info.exports);
    checkHttpOptions(options);
    pool.setInsecureSkipTLSVerify(options['insecureSkipTLSVerify'] === true);
    registry = new Registry(info.metrics);
    const thresholds: Threshold[] = parseThresholds(options['thresholds'], registry);
    o.onStart?.();
    const trendStats = Array.isArray(options['summaryTrendStats'])
      ? (options['summaryTrendStats'] as unknown[]).map(String)
      : DEFAULT_TREND_STATS;
    for (const st of trendStats) {
      if (!/^(avg|min|med|max|count|p\(\d+(\.\d+)?\))$/.test(st)) {
        throw invalidConfig(`options.summaryTrendStats: "${st}" is not avg, min, med, max, count or p(N)`);
      }
    }
    if (options['tags'] && typeof options['tags'] === 'object') {
      for (const [k, v] of Object.entries(options['tags'] as Dict)) o.tags[k] ??= String(v);
    }
    if (o.jsonOut) json = new JsonOutput(o.jsonOut, registry, thresholds, (w) => err(`WARN[${stamp()}] ${w}\n`));

    // Lay scenarios' VUs out one after another in a global VU index space (so idInTest is unique across segments).
    const offsets = new Map<Scenario, number>();
    let nextOffset = 0;
    for (const s of scenarios) {
      offsets.set(s, nextOffset);
      nextOffset += s.vus;
    }
    const maxSpan = Math.max(...scenarios.map(scenarioSpanMs));
    if (!o.quiet) {
      err(`\n  execution: local (node engine)\n     script: ${o.script}\n`);
      if (o.jsonOut) err(`     output: json (${o.jsonOut})\n`);
      if (!segment.isFull) err(`   segment: ${segment.label} of ${o.segmentSequence ?? 'the whole test'}\n`);
      err(
        `  scenarios: ${scenarios.length} scenario(s), ${nextOffset} max VUs, ${formatDuration(maxSpan)} max duration (incl. graceful stop):\n`,
      );
      for (const s of scenarios) err(`           * ${s.name}: ${describeScenario(s)}\n`);
      err('\n');
    }

    // Pre-initialise every VU the scenarios start with, before the clock starts (as k6 does).
    const vuByGlobal = new Map<number, Vu>();
    let setupData = '';
    const spawnVu = async (g: number): Promise<Vu> => {
      const vu = pool.spawn(pool.all.length, g + 1);
      // A VU still in its init context when the run is stopped is stopped with it (it comes back dead: its loops
      // end at once).
      const stop = () => void vu.kill();
      if (abortReason !== null) stop();
      else abortListeners.add(stop);
      try {
        await vu.ready;
      } catch (e) {
        if (vu.dead && abortReason !== null) return vu;
        throw scriptError(`script error in the init context of VU ${vu.id}: ${oneLine((e as Error).message)}`);
      } finally {
        abortListeners.delete(stop);
      }
      if (setupData !== '') vu.post({ t: 'setData', data: setupData });
      vuByGlobal.set(g, vu);
      return vu;
    };
    const initial: number[] = [];
    for (const s of scenarios) {
      const off = offsets.get(s)!;
      const count = s.executor.endsWith('arrival-rate') ? s.preAllocatedVUs : s.vus;
      initial.push(...segment.ownedIn(off, off + count));
    }
    await unlessStopped(Promise.all(initial.map((g) => spawnVu(g))), 'init');

    // setup()
    const runStart = Date.now();
    phase = 'setup';
    if (info.exports.includes('setup')) {
      const r = await unlessStopped(lifecycleVu.lifecycle({ t: 'setup' }), 'setup()');
      ingest(r.samples);
      if (r.aborted !== null) abort(r.aborted, EXIT.scriptAborted);
      else if (r.error !== null) throw scriptError(`setup() failed: ${r.error}`);
      setupData = r.result ?? '';
      for (const vu of vuByGlobal.values()) vu.post({ t: 'setData', data: setupData });
    }

    // Scenarios
    phase = 'run';
    const active = new Map<Scenario, number>();
    // Scenarios that have not ended yet. k6 samples `vus` on a ticker while scenarios run and records no 0 when the
    // last one ends, so the gauge's final value is the last count of active VUs (`vus: ['value>2']` passes in k6).
    const unfinished = new Set(scenarios);
    const emitVus = () => {
      const t = Date.now();
      const vus = [...active.values()].reduce((a, b) => a + b, 0);
      pool.setActive(vus);
      const alive = pool.all.filter((v) => !v.dead && v.id > 0).length;
      // Nor a 0 before the first scenario has reported its VUs.
      if (active.size > 0 && (vus > 0 || unfinished.size > 0)) ingest([['vus', vus, { ...o.tags }, t]]);
      ingest([['vus_max', alive, { ...o.tags }, t]]);
    };
    const ctxFor = (s: Scenario): ExecutorContext => ({
      segment,
      segmentText: o.segment,
      segmentSequence: o.segmentSequence,
      vuOffset: offsets.get(s)!,
      newVu: async (g) => {
        const existing = vuByGlobal.get(g);
        if (existing && !existing.dead) return existing;
        return spawnVu(g);
      },
      run: (sc) => ({
        exec: sc.exec,
        scenario: sc.name,
        executor: sc.executor,
        scenarioStartTime: runStart + sc.startTimeMs,
        scenarioTags: sc.tags,
        scenarioEnv: sc.env,
      }),
      dropped: (sc, count) => ingest([['dropped_iterations', count, { ...o.tags, scenario: sc.name }, Date.now()]]),
      aborted: () => abortReason !== null,
      onAbort: (cb) => {
        abortListeners.add(cb);
        return () => abortListeners.delete(cb);
      },
      activeVus: (sc, n) => {
        if (active.get(sc) === n) return;
        active.set(sc, n);
        // Every executor reports 0 when its scenario ends (ramping-vus also at a 0 stage, and comes back).
        if (n === 0) unfinished.delete(sc);
        else unfinished.add(sc);
        emitVus();
      },
    });

    const vusTimer = setInterval(emitVus, 1000);
    const thresholdTimer = setInterval(() => {
      const failing = evaluateForAbort(thresholds, Date.now() - runStart);
      if (failing.length > 0) {
        const f = failing[0]!;
        abort(`thresholds on "${f.key}" ('${f.source}') crossed and abortOnFail is set`, EXIT.thresholdsFailed);
      }
    }, 2000);
    const progressTimer = o.quiet
      ? undefined
      : setInterval(() => {
          const vus = [...active.values()].reduce((a, b) => a + b, 0);
          err(
            `running (${formatDuration(Date.now() - runStart)}), ${vus} VUs, ${pool.completed} complete and ${pool.interrupted} interrupted iterations\n`,
          );
        }, 5000);
    emitVus();
    try {
      if (abortReason === null) {
        await Promise.all(
          scenarios.map(async (s) => {
            const startAt = runStart + s.startTimeMs;
            if (s.startTimeMs > 0) {
              await new Promise<void>((res) => {
                const t = setTimeout(res, Math.max(0, startAt - Date.now()));
                abortListeners.add(() => {
                  clearTimeout(t);
                  res();
                });
              });
            }
            if (abortReason !== null) return;
            await runScenario(s, Date.now(), ctxFor(s));
          }),
        );
      }
    } finally {
      clearInterval(vusTimer);
      clearInterval(thresholdTimer);
      if (progressTimer) clearInterval(progressTimer);
      emitVus();
    }
    if (abortReason !== null) {
      await Promise.all(pool.all.filter((v) => v.busy && v.id > 0).map((v) => v.kill()));
      err(`\nABORTED: ${String(abortReason)}\n`);
    }

    // teardown()
    if (info.exports.includes('teardown') && !lifecycleVu.dead) {
      const r = await lifecycleVu.lifecycle({ t: 'teardown', data: setupData });
      ingest(r.samples);
      if (r.aborted !== null) abort(r.aborted, EXIT.scriptAborted);
      else if (r.error !== null) logError(`teardown() failed: ${r.error}`, 'source=stacktrace');
    }
    if (suppressedErrors > 0) err(`ERRO[${stamp()}] ... ${suppressedErrors} more iteration errors not shown\n`);

    // Thresholds, summary, outputs.
    const testRunDurationMs = Date.now() - runStart;
    for (const th of thresholds) evaluate(th, testRunDurationMs / 1000);
    const warnings = thresholdsWithoutSamples(thresholds).map(
      (th) =>
        `threshold '${th.source}' on "${th.key}" had NO SAMPLES: its verdict (${th.ok ? 'pass' : 'fail'}) is computed on empty data — k6 would pass it silently`,
    );
    const summary = buildSummary(
      registry,
      thresholds,
      [...checkTally.values()],
      groupPaths,
      testRunDurationMs,
      trendStats,
    );
    if (json) await json.close();
    if (o.summaryExport) writeFileAtomic(o.summaryExport, JSON.stringify(legacyExport(summary), null, 2));
    const lag = pool.eventLoopLag?.();
    if (lag !== undefined && lag.p99Ms > LAG_BUDGET_MS) {
      warnings.push(
        `the host threads' event loop lagged (p99 ${lag.p99Ms.toFixed(1)} ms, max ${lag.maxMs.toFixed(1)} ms), over the ${LAG_BUDGET_MS} ms timing budget: CPU-heavy iterations delay other VUs' replies, so latencies read high; use fewer VUs per thread (ENGINE_HOST_THREADS) or the thread-per-VU design`,
      );
    }
    for (const w of warnings) err(`WARN[${stamp()}] ${w}\n`);

    const lagNote = lag === undefined ? '' : ` · event-loop lag p99 ${lag.p99Ms.toFixed(1)} ms`;
    const header = `     engine: node (k6-compatible local engine${design === 'qjs' ? ', QuickJS VUs' : ''}${lagNote}) · script: ${o.script}${segment.isFull ? '' : ` · segment ${segment.label}`}`;
    let printedByHandler = false;
    if (info.exports.includes('handleSummary') && !lifecycleVu.dead) {
      const r = await lifecycleVu.lifecycle({ t: 'summary', data: JSON.stringify(summary) });
      if (r.error !== null || r.result === null) {
        err(
          `ERRO[${stamp()}] handleSummary() failed, printing the default summary instead: ${r.error ?? 'no result'}\n`,
        );
      } else {
        printedByHandler = true;
        const files = r.result === '' ? {} : (JSON.parse(r.result) as Record<string, unknown>);
        for (const [key, content] of Object.entries(files)) {
          const text = typeof content === 'string' ? content : JSON.stringify(content);
          if (key === 'stdout') out(text);
          else if (key === 'stderr') err(text);
          else writeFileAtomic(key, text);
        }
      }
    }
    if (!printedByHandler) out(textSummary(summary, thresholds, warnings, header));

    let exitCode: number = EXIT.ok;
    if (abortReason !== null) exitCode = abortCode;
    else if (thresholds.some((t) => !t.ok)) exitCode = EXIT.thresholdsFailed;
    if (exitCode === EXIT.ok && thresholds.some((t) => !t.ok)) exitCode = EXIT.thresholdsFailed;
    return { exitCode, summary };
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw scriptError((e as Error).message);
  } finally {
    detachSignals();
    await pool.shutdown();
  }
}
