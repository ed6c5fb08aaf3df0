// End-to-end runs of `npm run load` on the local engine against a tiny loopback login server (no argon2, so the
// runs are short): no account is ever used by two VUs at once, and an undocumented status fails the run by name.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

interface FakeTarget {
  baseUrl: string;
  /** Highest number of requests in flight at once for any single identifier. */
  maxInFlightPerAccount(): number;
  identifiersSeen(): Set<string>;
  /** Logins answered 401 because the password was not the account's. */
  rejected(): number;
  close(): Promise<void>;
}

/**
 * A login service stand-in: 400 for `{}`; else after `delayMs` a 401 AuthError for a password other than `password`,
 * `undocumented.status` on every Nth login, or a 200 login.
 */
async function startFakeTarget(
  password: string,
  delayMs: number,
  undocumented?: { status: number; every: number },
): Promise<FakeTarget> {
  const inFlight = new Map<string, number>();
  const seen = new Set<string>();
  let max = 0;
  let logins = 0;
  let rejected = 0;
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { identifier?: string; password?: string };
      const id = body.identifier;
      if (req.url !== '/api/auth/login' || id === undefined) {
        json(res, 400, { error: 'bad_request', message: 'identifier and password are required', status: 400 });
        return;
      }
      seen.add(id);
      const now = (inFlight.get(id) ?? 0) + 1;
      inFlight.set(id, now);
      max = Math.max(max, now);
      logins += 1;
      const answerUndocumented = undocumented !== undefined && logins % undocumented.every === 0;
      setTimeout(() => {
        inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
        if (body.password !== password) {
          rejected += 1;
          json(res, 401, { error: 'invalid_credentials', message: 'invalid credentials', status: 401 });
          return;
        }
        if (answerUndocumented) {
          json(res, undocumented.status, { error: 'unavailable', message: 'try later', status: undocumented.status });
          return;
        }
        const jwt = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(id).toString('base64url')}.${logins}`;
        json(res, 200, {
          jwt,
          sessionToken: `st-${logins}`,
          session: { tokenized: jwt },
          tokenizedSession: { tokenized: jwt },
        });
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    maxInFlightPerAccount: () => max,
    identifiersSeen: () => seen,
    rejected: () => rejected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  runDir: string | undefined;
}

function runLoad(baseUrl: string, accountsFile: string, reportsDir: string, extraArgs: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', './cli/ts-register.js', 'cli/load.ts', '--engine', 'node', ...extraArgs],
      {
        env: {
          ...process.env,
          AUTH_BASE_URL: baseUrl,
          LOAD_ACCOUNTS_FILE: accountsFile,
          REPORTS_DIR: reportsDir,
          // Short schedule: ~3 s at up to 30 logins/s on 8 VUs, all started up front (no allocation lag, no drops).
          LOAD_STAGES: '1s:30,2s:30',
          LOAD_MAX_VUS: '8',
          LOAD_PRE_ALLOCATED_VUS: '8',
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const runs = readdirSync(join(reportsDir, 'load'), { withFileTypes: true }).filter((e) => e.isDirectory());
      resolve({
        code,
        stdout,
        stderr,
        runDir: runs[0] === undefined ? undefined : join(reportsDir, 'load', runs[0].name),
      });
    });
  });
}

describe('npm run load end to end (local engine, fake loopback target)', () => {
  let scratch: string;
  let accountsFile: string;
  const password = 'Fake-Load-Passw0rd!';

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'load-run-test-'));
    accountsFile = join(scratch, 'accounts.json');
    const accounts = Array.from({ length: 8 }, (_, i) => ({ identifier: `vu-${i + 1}@fake.test`, password }));
    writeFileSync(accountsFile, JSON.stringify(accounts));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('the detector sees two concurrent logins of one account (so the next test can fail)', async () => {
    const target = await startFakeTarget(password, 100);
    try {
      const send = () =>
        fetch(`${target.baseUrl}/api/auth/login`, {
          method: 'POST',
          body: JSON.stringify({ identifier: 'same@fake.test', password }),
        }).then((r) => r.text());
      await Promise.all([send(), send()]);
      assert.equal(target.maxInFlightPerAccount(), 2);
    } finally {
      await target.close();
    }
  });

  it('uses each account from one VU at a time, counts deliberate 401s as expected, passes, writes every output', async () => {
    const target = await startFakeTarget(password, 120);
    try {
      const result = await runLoad(target.baseUrl, accountsFile, join(scratch, 'healthy'), [
        '--wrong-password-share',
        '0.2',
      ]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(target.maxInFlightPerAccount(), 1, 'an account was logged in by two VUs at once');
      const seen = target.identifiersSeen();
      assert.ok(seen.size >= 3, `only ${seen.size} accounts used: the run never needed concurrent VUs`);
      assert.ok(seen.size <= 8);
      assert.match(result.stdout, /engine: node/);
      assert.match(result.stdout, /PASS: all 9 SLOs hold/);
      assert.ok(target.rejected() > 0, 'no deliberate wrong-password login was sent');
      assert.match(result.stdout, /pass +http_req_failed\{name:login\} rate<0\.01 +rate=0\.00%/);
      assert.match(result.stdout, /\[AUTH-REJECTS-BAD-CREDENTIALS\] wrong password: 401 AuthError {2}\d+\/\d+ passed/);
      assert.ok(result.runDir);
      const files = readdirSync(result.runDir).sort();
      assert.deepEqual(files, [
        'analysis.json',
        'junit.xml',
        'meta.json',
        'metrics.ndjson.gz',
        'summary.json',
        'summary.md',
      ]);
      const meta = JSON.parse(readFileSync(join(result.runDir, 'meta.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(meta.exitCode, 0);
      assert.equal(meta.engine, 'node');
      const history = readFileSync(join(scratch, 'healthy', 'history', 'load.jsonl'), 'utf8')
        .trim()
        .split('\n');
      assert.equal(history.length, 1, 'one history record per run');
      assert.equal((JSON.parse(history[0] ?? '{}') as { runId?: string }).runId, meta.runId);
      for (const file of files) {
        const raw = readFileSync(join(result.runDir, file));
        const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
        assert.ok(!text.includes(password), `${file} holds a password`);
      }
      // The engine's summary and the reports' stream analysis give the same percentiles (k6's definition, the
      // requests the threshold judges): the load report's p99 tile equals its p(99) threshold row.
      const summary = JSON.parse(readFileSync(join(result.runDir, 'summary.json'), 'utf8')) as {
        metrics: Record<string, { values: Record<string, number> }>;
      };
      const analysis = JSON.parse(readFileSync(join(result.runDir, 'analysis.json'), 'utf8')) as {
        headline: { name: string; p95: number; p99: number };
      };
      const login = summary.metrics['http_req_duration{name:login}']?.values ?? {};
      assert.equal(analysis.headline.name, 'http_req_duration{name:login}');
      for (const [stat, key] of [
        ['p(95)', 'p95'],
        ['p(99)', 'p99'],
      ] as const) {
        const want = login[stat] ?? NaN;
        assert.ok(
          Math.abs(analysis.headline[key] - want) <= 1e-9 * want,
          `${stat}: ${analysis.headline[key]} vs ${want}`,
        );
      }
    } finally {
      await target.close();
    }
  });

  it('fails naming login_undocumented_status when the target answers a status the contract does not list', async () => {
    const target = await startFakeTarget(password, 20, { status: 503, every: 10 });
    try {
      const result = await runLoad(target.baseUrl, accountsFile, join(scratch, 'undocumented'), []);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /SLO breached: login_undocumented_status rate==0 \(observed rate=\d/);
    } finally {
      await target.close();
    }
  });
});
