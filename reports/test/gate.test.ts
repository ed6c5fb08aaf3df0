import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateGate, writeGate } from '../gate/gate.ts';
import type { OutputPaths } from '../../core/layout.ts';
import { appendHistory, recordFromRun } from '../review/history.ts';
import { makeRun, putContract, tempPaths } from './helpers.ts';

async function passingSetup(): Promise<OutputPaths> {
  const paths = tempPaths('gate-');
  putContract(paths, 'pass', 'full');
  const base = makeRun(paths, 'baseline', { seed: 3, startMs: Date.UTC(2026, 10, 26, 2) });
  appendHistory(await recordFromRun(base), paths.loadHistory);
  makeRun(paths, 'current', { seed: 4, startMs: Date.UTC(2026, 10, 27, 2) });
  return paths;
}

const statusOf = (g: Awaited<ReturnType<typeof evaluateGate>>, name: string): string | undefined =>
  g.checks.find((c) => c.name === name)?.status;

test('everything present and green: the gate passes', async () => {
  const paths = await passingSetup();
  const g = await evaluateGate({ paths, runDir: join(paths.loadRuns, 'current') });
  assert.equal(g.verdict, 'pass', JSON.stringify(g.checks, null, 1));
  assert.deepEqual(
    g.checks.map((c) => c.status),
    ['pass', 'pass', 'pass', 'pass', 'pass'],
  );
});

test('an advisory finding is shown as an advisory row and does not fail the gate', async () => {
  const paths = await passingSetup();
  const results = JSON.parse(readFileSync(paths.contractResults, 'utf8')) as { suites: { specs: unknown[] }[] };
  const finding = '[DUPLICATE-KEYS] statusIs400: password repeated: expected 400, got 401';
  results.suites[0]?.specs.push({
    title: '[DUPLICATE-KEYS] a body that repeats a property gets 400 AuthError',
    ok: true,
    tests: [
      { annotations: [], results: [{ status: 'passed', annotations: [{ type: 'advisory', description: finding }] }] },
    ],
  });
  writeFileSync(paths.contractResults, JSON.stringify(results));
  const g = await evaluateGate({ paths, runDir: join(paths.loadRuns, 'current') });
  assert.equal(g.verdict, 'pass', JSON.stringify(g.checks, null, 1));
  assert.equal(statusOf(g, 'contract advisories'), 'advisory');
  assert.match(
    g.checks.find((c) => c.name === 'contract advisories')?.detail ?? '',
    /1 advisory finding.*DUPLICATE-KEYS/,
  );
  writeGate(g, paths);
  assert.match(readFileSync(paths.gateMd, 'utf8'), /\| ⚠️ advisory \| contract advisories \|/);
});

test('a failing contract test fails the gate and is named', async () => {
  const paths = await passingSetup();
  putContract(paths, 'fail', 'full');
  const g = await evaluateGate({ paths, runDir: join(paths.loadRuns, 'current') });
  assert.equal(g.verdict, 'fail');
  assert.match(g.checks[0]?.detail ?? '', /error responses › LOGIN-400-BODY malformed body/);
});

test('a documented response not exercised fails the coverage check', async () => {
  const paths = await passingSetup();
  putContract(paths, 'pass', 'missed');
  const g = await evaluateGate({ paths, runDir: join(paths.loadRuns, 'current') });
  assert.equal(statusOf(g, 'contract coverage'), 'fail');
  assert.match(g.checks[1]?.detail ?? '', /not exercised: 400 application\/json; waived: 502/);
});

test('a breached SLO fails the gate with the threshold and its value', async () => {
  const paths = await passingSetup();
  const slow = makeRun(paths, 'slow', { medianMs: 400, startMs: Date.UTC(2026, 10, 27, 3) });
  const g = await evaluateGate({ paths, runDir: slow });
  assert.equal(g.verdict, 'fail');
  assert.equal(statusOf(g, 'load SLOs'), 'fail');
  assert.match(g.checks[2]?.detail ?? '', /http_req_duration\{name:login\} p\(95\)<500 \(observed \d+/);
});

test('a regression beyond tolerance against the baseline fails the gate', async () => {
  const paths = await passingSetup();
  const slower = makeRun(paths, 'slower', { medianMs: 70, startMs: Date.UTC(2026, 10, 27, 4) });
  const g = await evaluateGate({ paths, runDir: slower });
  assert.equal(statusOf(g, 'load SLOs'), 'pass', 'still within the SLOs');
  assert.equal(statusOf(g, 'baseline comparison'), 'fail');
  assert.match(g.checks[3]?.detail ?? '', /regression beyond tolerance vs baseline: p50 latency \+\d/);
  assert.equal(g.verdict, 'fail');
});

test('a missing load result fails the gate with a clear reason, never passes', async () => {
  const paths = await passingSetup();
  rmSync(paths.loadRuns, { recursive: true });
  const g = await evaluateGate({ paths });
  assert.equal(g.verdict, 'fail');
  assert.match(g.checks[2]?.detail ?? '', /no load run under .*: run the load suite \(npm run load\)/);
  const noSummary = await passingSetup();
  rmSync(join(noSummary.loadRuns, 'current', 'summary.json'));
  const g2 = await evaluateGate({ paths: noSummary, runDir: join(noSummary.loadRuns, 'current') });
  assert.match(g2.checks[2]?.detail ?? '', /summary\.json: the load run did not finish/);
});

test('no baseline yet is a skip, or a fail when a baseline is required', async () => {
  const paths = tempPaths('gate-');
  putContract(paths, 'pass', 'full');
  const run = makeRun(paths, 'first');
  assert.equal((await evaluateGate({ paths, runDir: run })).verdict, 'pass');
  const strict = await evaluateGate({ paths, runDir: run, requireBaseline: true });
  assert.equal(strict.verdict, 'fail');
  assert.match(strict.checks[3]?.detail ?? '', /--require-baseline/);
});

test('gate.json and gate.md are written; the CLI exits 1 on fail', async () => {
  const paths = tempPaths('gate-');
  writeGate(await evaluateGate({ paths }), paths);
  const written = JSON.parse(readFileSync(paths.gateJson, 'utf8')) as {
    verdict: string;
    checks: { name: string; status: string; detail: string }[];
  };
  assert.equal(written.verdict, 'fail');
  assert.equal(written.checks.length, 5);
  assert.match(readFileSync(paths.gateMd, 'utf8'), /Release gate: FAIL/);

  // The CLI itself: exit 1 on a failing verdict, with gate.json written (bad usage: see cli.test.ts).
  rmSync(paths.gateJson);
  const r = spawnSync(process.execPath, ['--import', './cli/ts-register.js', 'cli/gate.ts'], {
    encoding: 'utf8',
    env: { ...process.env, REPORTS_DIR: paths.root, GITHUB_STEP_SUMMARY: '' },
  });
  assert.equal(r.status, 1);
  assert.ok(existsSync(paths.gateJson));
  assert.match(r.stdout, /gate: FAIL/);
});
