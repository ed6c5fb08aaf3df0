// The engine as a process: console output in the init context, and Ctrl-C/SIGTERM during init and during a run
// (k6: exit 105; the first signal stops gracefully, a second at once; nothing may be left running afterwards).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runFixture } from './helpers.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Generous: on a loaded 2-core machine the CLI alone (loader, esbuild, threads) takes seconds to start. */
const START_MS = 60_000;
/** How long the engine may take to end after a signal. */
const STOP_MS = 5_000;

interface EngineProcess {
  /** Resolves when stderr (or stdout) has printed a line matching re; rejects after ms. */
  waitFor(re: RegExp, ms: number): Promise<void>;
  /** Resolves with the exit code (or signal) when the process ends; rejects after ms. */
  exited(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  signal(sig: NodeJS.Signals): void;
  output(): string;
  /** True while any process of the engine's process group (the engine and anything it started) is alive. */
  groupAlive(): boolean;
  /** Test clean-up: SIGKILL the engine's own process group if anything of it is left. */
  cleanup(): void;
}

/** Starts the CLI (K6_ENGINE=node) in its own process group, so the test can tell whether anything outlives it. */
function startEngine(args: string[], env: Record<string, string> = {}): EngineProcess {
  const child = spawn(process.execPath, ['--import', './cli/ts-register.js', 'load/engine/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, K6_ENGINE: 'node', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid!;
  let out = '';
  const watchers = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...watchers]) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  const deadline = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    new Promise<T>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`${what} not within ${ms} ms; output so far:\n${out}`)), ms);
      p.then(
        (v) => {
          clearTimeout(t);
          res(v);
        },
        (e: unknown) => {
          clearTimeout(t);
          rej(e as Error);
        },
      );
    });
  const groupAlive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    waitFor: (re, ms) =>
      deadline(
        new Promise<void>((res) => {
          const check = () => {
            if (!re.test(out)) return;
            watchers.delete(check);
            res();
          };
          watchers.add(check);
          check();
        }),
        ms,
        `output matching ${re}`,
      ),
    exited: (ms) => deadline(exit, ms, 'exit'),
    signal: (sig) => child.kill(sig),
    output: () => out,
    groupAlive,
    cleanup: () => {
      if (groupAlive()) process.kill(-pgid, 'SIGKILL');
    },
  };
}

/** Waits (bounded) until nothing of the engine's process group is left, e.g. esbuild's service process. */
async function assertNothingLeft(engine: EngineProcess): Promise<void> {
  const until = Date.now() + 3000;
  while (engine.groupAlive() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.equal(engine.groupAlive(), false, 'a process of the engine outlived it');
}

test(
  'console.log/warn/error in the init context: printed for every init, the run completes all iterations',
  { timeout: 90_000 },
  async () => {
    const exportFile = join(mkdtempSync(join(tmpdir(), 'engine-init-console-')), 'summary.json');
    const engine = startEngine([
      'run',
      '--vus',
      '2',
      '--iterations',
      '4',
      '--summary-export',
      exportFile,
      'load/engine/test/fixtures/init-console.ts',
    ]);
    try {
      const { code } = await engine.exited(START_MS);
      const output = engine.output();
      assert.equal(code, 0, output);
      const summary = JSON.parse(readFileSync(exportFile, 'utf8')) as { metrics: Record<string, { count?: number }> };
      assert.equal(summary.metrics['iterations']?.count, 4);
      // The init that reads options (VU 0, printed without vu=), then VUs 1 and 2, each with its own level.
      for (const [level, word] of [
        ['INFO', 'log'],
        ['WARN', 'warn'],
        ['ERRO', 'error'],
      ] as const) {
        assert.match(output, new RegExp(`${level}\\[\\d+\\] init ${word} from VU 0  source=console\\n`));
        assert.match(output, new RegExp(`${level}\\[\\d+\\] init ${word} from VU 1  source=console vu=1\\n`));
        assert.match(output, new RegExp(`${level}\\[\\d+\\] init ${word} from VU 2  source=console vu=2\\n`));
        assert.equal(output.split(`init ${word} from VU`).length - 1, 3, `"init ${word}" printed once per init`);
      }
      await assertNothingLeft(engine);
    } finally {
      engine.cleanup();
    }
  },
);

for (const [slowVu, which] of [
  ['0', 'the init that reads options'],
  ['1', "a VU's init"],
] as const) {
  test(
    `SIGTERM during ${which} (busy script): exit 105 within seconds, nothing left running`,
    { timeout: 90_000 },
    async () => {
      const engine = startEngine([
        'run',
        '-e',
        `SLOW_INIT_VU=${slowVu}`,
        '--vus',
        '2',
        '--iterations',
        '4',
        'load/engine/test/fixtures/slow-phases.ts',
      ]);
      try {
        await engine.waitFor(new RegExp(`init started in VU ${slowVu}`), START_MS);
        // VU 1's init starts after VU 0's: give the busy loop a moment to be under way.
        await new Promise((r) => setTimeout(r, 300));
        const signalledAt = Date.now();
        engine.signal('SIGTERM');
        const { code } = await engine.exited(STOP_MS);
        assert.equal(code, 105, engine.output());
        assert.ok(Date.now() - signalledAt < STOP_MS);
        assert.match(engine.output(), /test run interrupted by SIGTERM during init: no iteration ran/);
        assert.doesNotMatch(engine.output(), /iteration running/);
        await assertNothingLeft(engine);
      } finally {
        engine.cleanup();
      }
    },
  );
}

test(
  'SIGTERM during a run: iterations interrupted, teardown and summary still run, exit 105 within seconds',
  { timeout: 90_000 },
  async () => {
    const engine = startEngine(['run', '--vus', '2', '--duration', '60s', 'load/engine/test/fixtures/slow-phases.ts']);
    try {
      await engine.waitFor(/iteration running in VU 2/, START_MS);
      engine.signal('SIGTERM');
      const { code } = await engine.exited(STOP_MS);
      const output = engine.output();
      assert.equal(code, 105, output);
      assert.match(output, /stopping on SIGTERM: teardown and summary follow/);
      assert.match(output, /ABORTED: test run interrupted by SIGTERM/);
      assert.match(output, /teardown started/);
      assert.match(output, /TOTAL RESULTS/);
      await assertNothingLeft(engine);
    } finally {
      engine.cleanup();
    }
  },
);

test(
  'a second SIGTERM while teardown() still runs quits at once (exit 105), nothing left running',
  { timeout: 90_000 },
  async () => {
    const engine = startEngine([
      'run',
      '-e',
      'SLOW_TEARDOWN=1',
      '--vus',
      '1',
      '--duration',
      '60s',
      'load/engine/test/fixtures/slow-phases.ts',
    ]);
    try {
      await engine.waitFor(/iteration running in VU 1/, START_MS);
      engine.signal('SIGTERM');
      await engine.waitFor(/teardown started/, STOP_MS);
      engine.signal('SIGTERM');
      const { code } = await engine.exited(STOP_MS);
      assert.equal(code, 105, engine.output());
      assert.match(engine.output(), /quitting at once on a second SIGTERM/);
      await assertNothingLeft(engine);
    } finally {
      engine.cleanup();
    }
  },
);

test(
  'a thrown string names where it escaped (init context, or the exported function) and says it has no line',
  { timeout: 60_000 },
  async () => {
    const inInit = await runFixture('throw-string.ts', { env: { THROW_IN_INIT: '1' } });
    assert.equal(inInit.exitCode, 107);
    assert.match(inInit.error, /init context: boom in init \(a thrown string has no stack trace: throw new Error/);
    const inDefault = await runFixture('throw-string.ts', { cli: { vus: 1, iterations: 1 } });
    assert.equal(inDefault.exitCode, 0, inDefault.error);
    assert.match(
      inDefault.stderr,
      /Uncaught \(in promise\) boom in default\n\tat default \(a thrown string has no stack/,
    );
  },
);
