import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, defaultJwtAlgs, describeConfig, loadConfig } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
const fixtureCa = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tls', 'ca.crt');
const notPem = join(dir, 'not-pem.crt');
writeFileSync(notPem, 'just text\n');
const brokenPem = join(dir, 'broken.pem');
writeFileSync(brokenPem, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');

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

test('a TARGET_ENV without a file works when the environment gives the target and the account (CI secrets)', () => {
  const config = loadConfig({
    TARGET_ENV: 'preprod',
    AUTH_BASE_URL: 'https://gw.example.test/auth-service/',
    LOGIN_IDENTIFIER: 'qa@example.test',
    LOGIN_PASSWORD: 'pw',
  });
  assert.equal(config.targetEnv, 'preprod');
  assert.equal(config.environmentFile, undefined);
  assert.equal(config.authBaseUrl, 'https://gw.example.test/auth-service', 'path prefix kept, trailing slash dropped');
  assert.equal(config.contractWaivers.size, 0);
  assert.match(describeConfig(config).TARGET_ENV ?? '', /^preprod \(no config\/environments\/preprod\.env: variables/);
  assert.match(
    loadConfig({ TARGET_ENV: 'staging', AUTH_BASE_URL: 'https://a.test', LOGIN_IDENTIFIER: 'q', LOGIN_PASSWORD: 'p' })
      .environmentFile ?? '',
    /staging\.env$/,
  );
});

test('NODE_EXTRA_CA_CERTS and the proxy variables are read from the process environment and printed', () => {
  const config = loadConfig({
    NODE_EXTRA_CA_CERTS: fixtureCa,
    HTTPS_PROXY: 'http://qa:Pr0xy-Secret@proxy.example.test:3128',
    no_proxy: '.internal.test',
  });
  assert.equal(config.extraCaCerts, fixtureCa);
  assert.equal(config.proxy.https?.url.host, 'proxy.example.test:3128');
  assert.equal(config.proxy.http, undefined);
  const printed = describeConfig(config);
  assert.equal(printed.NODE_EXTRA_CA_CERTS, fixtureCa);
  assert.match(printed.HTTPS_PROXY ?? '', /^http:\/\/\*\*\*@proxy\.example\.test:3128\/ \(HTTPS_PROXY\)$/);
  assert.doesNotMatch(JSON.stringify(printed), /Pr0xy-Secret/);
  assert.equal(loadConfig({}).extraCaCerts, undefined);
});

test('a bad proxy URL never echoes its password', () => {
  expectError({ HTTPS_PROXY: 'http://qa:Pr0xy-Secret@proxy.example.test:99999' }, /HTTPS_PROXY="http:\/\/\*\*\*@proxy/);
  assert.throws(
    () => loadConfig({ HTTPS_PROXY: 'http://qa:Pr0xy-Secret@proxy.example.test:99999' }),
    (error: Error) => !error.message.includes('Pr0xy-Secret'),
  );
});

test('describeConfig redacts the password', () => {
  const printed = JSON.stringify(describeConfig(loadConfig({ LOGIN_PASSWORD: 'Sup3r-Secret' })));
  assert.doesNotMatch(printed, /Sup3r-Secret/);
  assert.match(printed, /\*\*\*/);
});

const bad: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
  [
    'TARGET_ENV without a file and without AUTH_BASE_URL',
    { TARGET_ENV: 'qa9' },
    /TARGET_ENV="qa9" has no config\/environments\/qa9\.env and AUTH_BASE_URL is not set: set AUTH_BASE_URL, LOGIN_IDENTIFIER and LOGIN_PASSWORD in the environment, or create that file \(known: local, production, staging\)/,
  ],
  [
    'TARGET_ENV without a file: the credentials must come from the environment too',
    { TARGET_ENV: 'preprod', AUTH_BASE_URL: 'https://gw.example.test', LOGIN_IDENTIFIER: 'qa@example.test' },
    /LOGIN_PASSWORD is required but not set: set LOGIN_PASSWORD in the environment \(or \.env\) for TARGET_ENV=preprod/,
  ],
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
  [
    'NODE_EXTRA_CA_CERTS missing',
    { NODE_EXTRA_CA_CERTS: join(dir, 'no-ca.pem') },
    /NODE_EXTRA_CA_CERTS=".*no-ca\.pem" does not exist: point it at the PEM file of the CA/,
  ],
  [
    'NODE_EXTRA_CA_CERTS is a folder',
    { NODE_EXTRA_CA_CERTS: dir },
    /NODE_EXTRA_CA_CERTS=".*" is a folder: point it at the PEM file/,
  ],
  [
    'NODE_EXTRA_CA_CERTS not PEM',
    { NODE_EXTRA_CA_CERTS: notPem },
    /NODE_EXTRA_CA_CERTS=".*not-pem\.crt" holds no valid PEM certificate/,
  ],
  [
    'NODE_EXTRA_CA_CERTS a broken PEM',
    { NODE_EXTRA_CA_CERTS: brokenPem },
    /NODE_EXTRA_CA_CERTS=".*broken\.pem" holds no valid PEM certificate/,
  ],
  [
    'HTTPS_PROXY malformed',
    { HTTPS_PROXY: 'http://proxy.example.test:99999' },
    /HTTPS_PROXY="http:\/\/proxy\.example\.test:99999" is not a valid proxy URL: expected http:\/\/host:port/,
  ],
  [
    'https_proxy (lower case) malformed',
    { https_proxy: 'http://' },
    /https_proxy="http:\/\/" is not a valid proxy URL/,
  ],
  [
    'HTTP_PROXY with an unsupported scheme',
    { HTTP_PROXY: 'socks5://proxy.example.test:1080' },
    /HTTP_PROXY="socks5:\/\/proxy\.example\.test:1080" uses socks5: only http:\/\/ proxies are supported/,
  ],
  ['TEST_PROXY_LOOPBACK not 0/1', { TEST_PROXY_LOOPBACK: 'yes' }, /TEST_PROXY_LOOPBACK="yes" must be 1 or 0/],
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

test('JWT_PUBLIC_KEY: PEM, JWK or a file holding one, kept as SPKI PEM; JWT_JWKS_URL and CORS_ALLOWED_ORIGINS', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
  const file = join(dir, 'jwt-public.pem');
  writeFileSync(file, pem);
  for (const value of [pem, pem.replace(/\n/g, '\\n'), jwk, file]) {
    assert.equal(loadConfig({ JWT_PUBLIC_KEY: value }).jwtPublicKey, pem);
  }
  const config = loadConfig({
    JWT_JWKS_URL: 'https://auth.example.test/.well-known/jwks.json',
    CORS_ALLOWED_ORIGINS: 'https://app.example.test, http://localhost:3000',
  });
  assert.equal(config.jwtJwksUrl, 'https://auth.example.test/.well-known/jwks.json');
  assert.deepEqual(config.corsAllowedOrigins, ['https://app.example.test', 'http://localhost:3000']);
  assert.equal(describeConfig(loadConfig({ JWT_PUBLIC_KEY: pem })).JWT_PUBLIC_KEY, '(set: ed25519)');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  expectError({ JWT_PUBLIC_KEY: privatePem }, /JWT_PUBLIC_KEY is not a usable public key/);
  expectError({ JWT_PUBLIC_KEY: '{"kty":"OKP"}' }, /JWT_PUBLIC_KEY is not a usable public key/);
  expectError(
    { JWT_PUBLIC_KEY: join(dir, 'missing.pem') },
    /is neither a PEM nor a JWK, and not a readable file \(ENOENT\)/,
  );
  expectError({ JWT_JWKS_URL: 'ftp://x.test/jwks' }, /JWT_JWKS_URL=.* must use http or https/);
  expectError({ JWT_JWKS_URL: 'not a url' }, /JWT_JWKS_URL="not a url" is not a valid URL/);
  expectError(
    { CORS_ALLOWED_ORIGINS: 'https://app.example.test/path' },
    /CORS_ALLOWED_ORIGINS entry .* is not an origin/,
  );
  expectError({ CORS_ALLOWED_ORIGINS: 'app.example.test' }, /is not an origin/);
});
