// The real processes: server entry, identity child, launcher. Few starts (each costs a TypeScript load), run in
// parallel, fast hashing. (`--upstream dead` itself is covered in app.test.ts through the same HTTP client.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MAIN_ACCOUNT } from '../accounts.ts';
import { DEFECTS } from '../defects.ts';
import { INTERMITTENT_DEFECTS } from '../intermittent-defects.ts';
import { startIdentity, startReference } from '../launch.ts';
import { REPO_ROOT } from '../spawn.ts';

const login = (baseUrl: string, body: unknown = MAIN_ACCOUNT): Promise<Response> =>
  fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of processes whose command line mentions `needle` (Linux /proc). */
function pidsMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function runEntry(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', './cli/ts-register.js', 'reference/server.ts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('processes', { concurrency: true }, () => {
  test('managed reference: 200, 400, 401, 405, over-limit body, accounts file; stop() leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reference-test-'));
    const accountsOut = join(dir, 'accounts.json');
    const ref = await startReference({ hashCost: 'fast', loadAccounts: 2, accountsOut });
    try {
      assert.match(ref.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(JSON.parse(readFileSync(accountsOut, 'utf8')), [
        { identifier: 'load-0001@reference.test', password: 'Load-Only-Passw0rd-0001!' },
        { identifier: 'load-0002@reference.test', password: 'Load-Only-Passw0rd-0002!' },
      ]);
      assert.equal((await login(ref.baseUrl)).status, 200);
      assert.equal(
        (await login(ref.baseUrl, { identifier: 'load-0002@reference.test', password: 'Load-Only-Passw0rd-0002!' }))
          .status,
        200,
      );
      assert.equal((await login(ref.baseUrl, { ...MAIN_ACCOUNT, password: 'x' })).status, 401);
      assert.equal((await login(ref.baseUrl, { ...MAIN_ACCOUNT, extra: 1 })).status, 400);
      const big = await fetch(`${ref.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...MAIN_ACCOUNT, pad: 'x'.repeat(20_000) }),
      });
      assert.equal(big.status, 400);
      assert.match(await big.text(), /exceeds 16384 bytes/);
      const get = await fetch(`${ref.baseUrl}/api/auth/login`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
    } finally {
      await ref.stop();
    }
    assert.equal(alive(ref.pid), false, 'reference process gone');
    assert.deepEqual(pidsMentioning(accountsOut), [], 'no child of that reference left');
  });

  test('identity killed mid-run: 502 while down, 200 again right after a restart on the same port', async () => {
    let identity = await startIdentity({ hashCost: 'fast', loadAccounts: 0 });
    const ref = await startReference({ upstream: identity.url, hashCost: 'fast', loadAccounts: 0 });
    try {
      assert.equal((await login(ref.baseUrl)).status, 200);
      await identity.kill();
      const down = await login(ref.baseUrl);
      assert.equal(down.status, 502);
      assert.deepEqual(await down.json(), {
        error: 'upstream_unavailable',
        message: 'The identity service is unavailable; try again later.',
        status: 502,
      });
      identity = await startIdentity({ port: identity.port, hashCost: 'fast', loadAccounts: 0 });
      assert.equal((await login(ref.baseUrl)).status, 200, 'the first login after the restart succeeds');
    } finally {
      await Promise.all([ref.stop(), identity.stop()]);
    }
  });

  test('a bad flag fails the start with its one line', async () => {
    await assert.rejects(
      startReference({ failRate: 2, hashCost: 'fast' }),
      /^StartError: reference exited \(2\) before listening: reference: --fail-rate="2" must be a number from 0 to 1/,
    );
  });

  test('--list-defects prints one name per line', async () => {
    const list = await runEntry('--list-defects'); // rejects on a non-zero exit
    assert.deepEqual(
      list.stdout.trim().split('\n'),
      [...DEFECTS, ...INTERMITTENT_DEFECTS].map((d) => d.name),
    );
  });
});
