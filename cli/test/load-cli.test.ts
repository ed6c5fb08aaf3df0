// Bad input to `npm run load`: each case is one line naming the problem, exit 2, no stack trace, and no run folder
// (nothing that could pass for a report). Most cases run in-process (fast); a few run the real command end to end.
// Targets are loopback stand-ins; no load is ever sent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../config/index.ts';
import { LoadInputError } from '../../load/lib/input-error.ts';
import { runLoadCli } from '../load.ts';
import { UserError } from '../../core/errors.ts';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function runLoad(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './cli/ts-register.js', 'cli/load.ts', ...args], {
      env: { ...process.env, AUTH_BASE_URL: '', LOAD_ACCOUNTS_FILE: '', ALLOW_REMOTE_LOAD: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Spawned end to end for these; the rest call runLoadCli in-process (same code path up to the exit code). */
const spawned = new Set(['unknown profile', 'accounts file too short', 'target refusing connections']);

describe('npm run load: bad input is one clear line', { concurrency: 3 }, () => {
  let scratch: string;
  let jsonTarget: Server;
  let htmlTarget: Server;
  let jsonUrl: string;
  let htmlUrl: string;
  let refusedUrl: string;
  const file = (name: string, text: string) => {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return path;
  };
  const accounts = (n: number) =>
    JSON.stringify(Array.from({ length: n }, (_, i) => ({ identifier: `u${i}@t.test`, password: 'Secret-Passw0rd!' })));

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'load-cli-test-'));
    jsonTarget = createServer((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"error":"bad_request","message":"x","status":400}');
    });
    htmlTarget = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>login</html>');
    });
    jsonUrl = await listen(jsonTarget);
    htmlUrl = await listen(htmlTarget);
    const closed = createServer();
    refusedUrl = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
  });

  after(async () => {
    await new Promise((resolve) => jsonTarget.close(resolve));
    await new Promise((resolve) => htmlTarget.close(resolve));
    rmSync(scratch, { recursive: true, force: true });
  });

  const cases: [string, () => { args?: string[]; env?: NodeJS.ProcessEnv }, RegExp][] = [
    ['unknown profile', () => ({ args: ['--profile', 'smoek'] }), /unknown profile "smoek": choose one of smoke/],
    ['unknown flag', () => ({ args: ['--profil', 'smoke'] }), /Unknown option '--profil'/],
    ['bad engine', () => ({ args: ['--engine', 'k7'] }), /--engine "k7" is not one of auto, k6, node/],
    [
      'k6 engine without k6',
      () => ({ args: ['--engine', 'k6'], env: { PATH: '/nonexistent' } }),
      /no k6 binary is on PATH/,
    ],
    ['bad run id', () => ({ args: ['--run-id', '../x'] }), /--run-id "\.\.\/x" must be/],
    [
      'malformed profiles JSON',
      () => ({ env: { LOAD_PROFILES_FILE: file('p.json', '{"profiles": {') } }),
      /profiles file .*p\.json is not valid JSON/,
    ],
    [
      'malformed SLO JSON',
      () => ({ env: { LOAD_SLO_FILE: file('s.json', '{"defaults": 1}') } }),
      /SLO file .*s\.json must be an object with a "defaults" object/,
    ],
    ['bad rate scale', () => ({ env: { LOAD_RATE_SCALE: '-1' } }), /LOAD_RATE_SCALE="-1" must be a number/],
    ['malformed URL', () => ({ env: { AUTH_BASE_URL: 'http//x' } }), /AUTH_BASE_URL="http\/\/x" is not a valid URL/],
    [
      'remote host without ALLOW_REMOTE_LOAD',
      () => ({ env: { AUTH_BASE_URL: 'https://auth.example.com', LOAD_ACCOUNTS_FILE: file('a.json', accounts(10)) } }),
      /refusing to load auth\.example\.com: .*ALLOW_REMOTE_LOAD=auth\.example\.com/,
    ],
    [
      'remote host allowed but no accounts file',
      () => ({ env: { AUTH_BASE_URL: 'https://auth.example.com', ALLOW_REMOTE_LOAD: 'auth.example.com' } }),
      /LOAD_ACCOUNTS_FILE is required with AUTH_BASE_URL/,
    ],
    [
      'accounts file missing',
      () => ({ env: { AUTH_BASE_URL: jsonUrl, LOAD_ACCOUNTS_FILE: join(scratch, 'none.json') } }),
      /LOAD_ACCOUNTS_FILE=".*none\.json" does not exist/,
    ],
    [
      'accounts file empty',
      () => ({ env: { AUTH_BASE_URL: jsonUrl, LOAD_ACCOUNTS_FILE: file('empty.json', '[]') } }),
      /has 0 accounts but the profile needs 10/,
    ],
    [
      'accounts file malformed',
      () => ({ env: { AUTH_BASE_URL: jsonUrl, LOAD_ACCOUNTS_FILE: file('bad.json', '[{"identifier": "a"}]') } }),
      /entry 0 must be \{"identifier"/,
    ],
    [
      'accounts file too short',
      () => ({ env: { AUTH_BASE_URL: jsonUrl, LOAD_ACCOUNTS_FILE: file('short.json', accounts(3)) } }),
      /has 3 accounts but the profile needs 10 \(one per VU, maxVUs\)/,
    ],
    [
      'target refusing connections',
      () => ({ env: { AUTH_BASE_URL: refusedUrl, LOAD_ACCOUNTS_FILE: file('a2.json', accounts(10)) } }),
      /is not ready: .* got no answer \(ECONNREFUSED\)/,
    ],
    [
      'target answering HTML',
      () => ({ env: { AUTH_BASE_URL: htmlUrl, LOAD_ACCOUNTS_FILE: file('a3.json', accounts(10)) } }),
      /is not ready: .* got status 200 \(text\/html\)/,
    ],
    [
      'unwritable reports folder',
      () => ({
        env: {
          AUTH_BASE_URL: jsonUrl,
          LOAD_ACCOUNTS_FILE: file('a4.json', accounts(10)),
          REPORTS_DIR: file('not-a-folder', 'x'),
        },
      }),
      /cannot create the run folder .* \(ENOTDIR\): check REPORTS_DIR is writable/,
    ],
  ];

  for (const [name, make, message] of cases) {
    it(name, async () => {
      const { args = [], env = {} } = make();
      const reportsDir = join(scratch, `reports-${name.replace(/\W+/g, '-')}`);
      const fullEnv = { REPORTS_DIR: reportsDir, ...env };
      if (spawned.has(name)) {
        const { code, stderr } = await runLoad(args, fullEnv);
        const lines = stderr.split('\n').filter((l) => l.trim() !== '');
        assert.equal(code, 2, stderr);
        assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
        assert.match(lines[0] ?? '', /^load: /);
        assert.match(lines[0] ?? '', message);
        assert.doesNotMatch(stderr, /Secret-Passw0rd!|\n\s+at /);
      } else {
        const base = { ...process.env, AUTH_BASE_URL: '', LOAD_ACCOUNTS_FILE: '', ALLOW_REMOTE_LOAD: '' };
        await assert.rejects(runLoadCli(args, { ...base, ...fullEnv }), (error: unknown) => {
          assert.ok(
            error instanceof UserError || error instanceof LoadInputError || error instanceof ConfigError,
            `not a user error: ${String(error)}`,
          );
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /\n|Secret-Passw0rd!/);
          return true;
        });
      }
      assert.equal(existsSync(join(reportsDir, 'load')), false, 'a run folder was created for a run that never ran');
    });
  }
});
