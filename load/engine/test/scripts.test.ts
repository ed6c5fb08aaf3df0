import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, runFixture } from './helpers.ts';

test('exec.test.abort(): exit 108, summary still printed', async () => {
  const r = await runFixture('abort.ts');
  assert.equal(r.exitCode, 108);
  assert.match(r.stderr, /ABORTED: stop: five iterations are enough/);
  assert.match(r.stdout, /TOTAL RESULTS/);
});

test('bad scripts: exit 107 with one message naming the problem', async () => {
  const cases: [string, RegExp][] = [
    ['bad/syntax-error.ts', /syntax-error\.ts:\d+:\d+: /],
    ['forbidden-import.ts', /import "node:fs" is not available/],
    ['bad/npm-import.ts', /import "lodash" is not available/],
    ['bad/remote-import.ts', /import "https:\/\/jslib\.k6\.io\/k6-summary\/0\.1\.0\/index\.js" is not available/],
    ['bad/no-extension.ts', /add the explicit \.ts or \.js extension/],
    ['init-error.ts', /init context.*SyntaxError.*init-error\.ts:2/s],
    ['does-not-exist.ts', /not found/],
  ];
  for (const [file, pattern] of cases) {
    // Offline: the remote import must never reach the real host.
    const r = await runFixture(file, { offline: true });
    assert.equal(r.exitCode, 107, file);
    assert.match(r.error, pattern, file);
  }
});

test('open() after the init context fails that iteration with a clear error', async () => {
  const r = await runFixture('open-after-init.ts');
  assert.match(r.stderr, /open\("\.\/data\/users\.json"\) can only be called in the init context/);
});

test('CLI: prints the engine, passes -e/--vus/--iterations, writes --summary-export, exit code of the run', () => {
  const r = runCli([
    'run',
    '-q',
    '-e',
    'THRESHOLD_SET=fail',
    '--vus',
    '2',
    '--iterations',
    '3',
    'load/engine/test/fixtures/thresholds.ts',
  ]);
  assert.match(r.stdout, /^engine: node \(k6-compatible local engine\)/);
  assert.equal(r.status, 99, r.stderr);
  assert.match(r.stdout, /✗ 'avg<5'/);
});

test('CLI: bad flags and K6_ENGINE are one clear line and exit 104', () => {
  const bad = runCli(['run', '--vus', 'many', 'x.ts']);
  assert.equal(bad.status, 104);
  assert.match(bad.stderr, /--vus "many" must be a whole number/);
  const engine = runCli(['run', 'x.ts'], { K6_ENGINE: 'k6', PATH: '/nonexistent' });
  assert.equal(engine.status, 104);
  assert.match(engine.stderr, /K6_ENGINE=k6 but no k6 binary is on PATH/);
});

test('CLI: with a k6 binary on PATH (auto) it delegates to k6 with the same arguments and K6_NO_USAGE_REPORT', () => {
  const bin = mkdtempSync(join(tmpdir(), 'fake-k6-'));
  writeFileSync(join(bin, 'k6'), '#!/bin/sh\necho "k6 got: $* usage=$K6_NO_USAGE_REPORT"\nexit 99\n');
  chmodSync(join(bin, 'k6'), 0o755);
  const r = runCli(['run', '-e', 'A=1', 'script.ts'], {
    K6_ENGINE: 'auto',
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
  });
  assert.match(r.stdout, /^engine: k6 \(.*fake-k6-.*\/k6\)/);
  assert.equal(r.stdout.trim().split('\n').at(-1), 'k6 got: run -e A=1 script.ts usage=true');
  assert.equal(r.status, 99);
});
