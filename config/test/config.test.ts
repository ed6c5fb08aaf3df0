import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, defaultJwtAlgs, describeConfig, loadConfig } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'config-test-'));

function expectError(env: NodeJS.ProcessEnv, pattern: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/, 'one line');
      return true;
    },
  );
}

test('local defaults: reference target, main account from local.env, default alg allow-list', () => {
  const config = loadConfig({});
  assert.equal(config.targetEnv, 'local');
  assert.equal(config.authBaseUrl, undefined);
  assert.equal(config.login.identifier, 'qa.main@reference.test');
  assert.deepEqual(config.jwtAlgAllowList, defaultJwtAlgs);
  assert.equal(config.contractWaivers.size, 0);
  assert.match(config.reportsDir, /reports\/output$/);
});

test('process env wins over the environment file', () => {
  const config = loadConfig({ LOGIN_IDENTIFIER: 'other@example.test', AUTH_BASE_URL: 'http://127.0.0.1:9/' });
  assert.equal(config.login.identifier, 'other@example.test');
  assert.equal(config.authBaseUrl, 'http://127.0.0.1:9');
});

test('staging reads its waivers from staging.env and credentials from the caller', () => {
  const config = loadConfig({
    TARGET_ENV: 'staging',
    AUTH_BASE_URL: 'https://auth.staging.example.test',
    LOGIN_IDENTIFIER: 'qa@example.test',
    LOGIN_PASSWORD: 'pw',
  });
  assert.match(config.contractWaivers.get(502) ?? '', /cannot be induced on staging/);
});

test('describeConfig redacts the password', () => {
  const printed = JSON.stringify(describeConfig(loadConfig({ LOGIN_PASSWORD: 'Sup3r-Secret' })));
  assert.doesNotMatch(printed, /Sup3r-Secret/);
  assert.match(printed, /\*\*\*/);
});

const bad: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
  ['unknown TARGET_ENV', { TARGET_ENV: 'qa9' }, /TARGET_ENV="qa9" is unknown.*known: local, production, staging/],
  ['TARGET_ENV with a path', { TARGET_ENV: '../x' }, /TARGET_ENV="..\/x" is not a valid environment name/],
  [
    'malformed AUTH_BASE_URL',
    { AUTH_BASE_URL: 'localhost:8080' },
    /AUTH_BASE_URL="localhost:8080" must use http or https/,
  ],
  ['unparsable AUTH_BASE_URL', { AUTH_BASE_URL: 'http//nope' }, /AUTH_BASE_URL="http\/\/nope" is not a valid URL/],
  ['AUTH_BASE_URL with credentials', { AUTH_BASE_URL: 'https://u:p@h.test' }, /without credentials/],
  ['staging without AUTH_BASE_URL', { TARGET_ENV: 'staging' }, /AUTH_BASE_URL is required for TARGET_ENV=staging/],
  [
    'missing LOGIN_PASSWORD for a non-local environment',
    { TARGET_ENV: 'staging', AUTH_BASE_URL: 'https://a.test', LOGIN_IDENTIFIER: 'qa@a.test' },
    /LOGIN_PASSWORD is required but not set: set LOGIN_PASSWORD in the environment/,
  ],
  [
    'missing LOAD_ACCOUNTS_FILE',
    { LOAD_ACCOUNTS_FILE: join(dir, 'nope.json') },
    /LOAD_ACCOUNTS_FILE=".*nope.json" does not exist/,
  ],
  [
    'LOAD_ACCOUNTS_FILE is a folder',
    { LOAD_ACCOUNTS_FILE: dir },
    /LOAD_ACCOUNTS_FILE=".*" is not a file: point it at a JSON array/,
  ],
  ['bad waiver', { CONTRACT_WAIVERS: '503=down' }, /CONTRACT_WAIVERS entry "503=down" is invalid/],
  ['waiver without reason', { CONTRACT_WAIVERS: '502=' }, /CONTRACT_WAIVERS entry "502=" is invalid/],
  ['alg none', { JWT_ALG_ALLOWLIST: 'ES256,none' }, /JWT_ALG_ALLOWLIST must not contain "none"/],
];
for (const [name, env, pattern] of bad) {
  test(`bad config: ${name}`, () => expectError(env, pattern));
}

test('bad config: unreadable LOAD_ACCOUNTS_FILE', { skip: process.getuid?.() === 0 && 'root reads any file' }, () => {
  const file = join(dir, 'locked.json');
  writeFileSync(file, '[]');
  chmodSync(file, 0o000);
  expectError({ LOAD_ACCOUNTS_FILE: file }, /is not readable \(EACCES\)/);
});
