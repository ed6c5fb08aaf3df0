// REFERENCE_CPUS (core/target.ts): a bad CPU list is one line before anything starts; a good one moves every thread
// of the reference and of its children to those CPUs (checked in /proc, where taskset's work shows).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { referenceOptionsFromEnv, startTarget } from '../target.ts';

test('REFERENCE_CPUS: a CPU list for taskset, anything else is one clear line', () => {
  assert.equal(referenceOptionsFromEnv({ REFERENCE_CPUS: '0' }).cpus, '0');
  assert.equal(referenceOptionsFromEnv({ REFERENCE_CPUS: '0,1' }).cpus, '0,1');
  assert.equal(referenceOptionsFromEnv({ REFERENCE_CPUS: '0-3' }).cpus, '0-3');
  assert.equal(referenceOptionsFromEnv({}).cpus, undefined);
  for (const bad of ['one', '0;1', '-1', '0,']) {
    assert.throws(
      () => referenceOptionsFromEnv({ REFERENCE_CPUS: bad }),
      (e: unknown) => e instanceof ConfigError && /^REFERENCE_CPUS=".*" must be a CPU list for taskset/.test(e.message),
    );
  }
});

const cpusOf = (pid: number): string =>
  /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
const canPin = existsSync('/proc/self/status') && existsSync('/usr/bin/taskset');

test(
  'REFERENCE_CPUS pins the started reference and its child processes',
  { skip: !canPin && 'needs Linux and taskset' },
  async () => {
    // A stand-in reference: a shell with a child of its own, as the reference has its identity process.
    const parent = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    const pid = parent.pid;
    assert.ok(pid !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const child = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]);
    const saved = process.env.REFERENCE_CPUS;
    process.env.REFERENCE_CPUS = '0';
    try {
      const config = { ...loadConfig({ TARGET_ENV: 'local' }), authBaseUrl: undefined };
      const target = await startTarget(config, async () => ({
        baseUrl: 'http://127.0.0.1:1',
        pid,
        stop: async () => {},
      }));
      assert.equal(target.managed, true);
      assert.equal(cpusOf(pid), '0');
      assert.equal(cpusOf(child), '0');
    } finally {
      if (saved === undefined) delete process.env.REFERENCE_CPUS;
      else process.env.REFERENCE_CPUS = saved;
      parent.kill('SIGKILL');
      try {
        process.kill(child, 'SIGKILL');
      } catch {
        // gone with its parent
      }
    }
  },
);
