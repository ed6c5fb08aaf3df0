import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../index.ts';
import { loadContractPolicy } from '../policy.ts';

const catalog = [
  { id: 'S200-SCHEMA', kind: 'contract' },
  { id: 'SEC-NO-STORE', kind: 'security' },
  { id: 'DUPLICATE-KEYS', kind: 'hardening' },
  { id: 'SEC-HEADERS', kind: 'hardening' },
];
const dir = mkdtempSync(join(tmpdir(), 'policy-test-'));

function expectError(env: Parameters<typeof loadContractPolicy>[1], pattern: RegExp): void {
  assert.throws(
    () => loadContractPolicy(catalog, env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/, 'one line');
      return true;
    },
  );
}

test('defaults: contract and security gate, hardening advisory', () => {
  const policy = loadContractPolicy(catalog, {});
  assert.deepEqual(Object.fromEntries(policy.byClause), {
    'S200-SCHEMA': 'gate',
    'SEC-NO-STORE': 'gate',
    'DUPLICATE-KEYS': 'advisory',
    'SEC-HEADERS': 'advisory',
  });
  assert.equal(policy.source, 'config/contract-policy.json');
});

test('CONTRACT_POLICY turns one clause to gate and a kind off; a clause beats its kind', () => {
  const policy = loadContractPolicy(catalog, { CONTRACT_POLICY: 'DUPLICATE-KEYS=gate, hardening=off' });
  assert.equal(policy.byClause.get('DUPLICATE-KEYS'), 'gate');
  assert.equal(policy.byClause.get('SEC-HEADERS'), 'off');
  assert.equal(policy.byClause.get('S200-SCHEMA'), 'gate');
  assert.match(policy.source, /CONTRACT_POLICY=DUPLICATE-KEYS=gate/);
});

test('CONTRACT_POLICY_FILE replaces the default file; its clause entries beat overridden kinds', () => {
  const file = join(dir, 'lenient.json');
  writeFileSync(file, JSON.stringify({ kinds: { security: 'advisory' }, clauses: { 'SEC-HEADERS': 'gate' } }));
  const policy = loadContractPolicy(catalog, { CONTRACT_POLICY_FILE: file, CONTRACT_POLICY: 'hardening=off' });
  assert.equal(policy.byClause.get('SEC-NO-STORE'), 'advisory');
  assert.equal(policy.byClause.get('SEC-HEADERS'), 'gate');
  assert.equal(policy.byClause.get('DUPLICATE-KEYS'), 'off');
  // A kind the file leaves out gates: nothing becomes advisory by omission.
  assert.equal(policy.byClause.get('S200-SCHEMA'), 'gate');
});

test('bad policies stop with one line naming the entry and the fix', () => {
  expectError({ CONTRACT_POLICY: 'NOPE=gate' }, /CONTRACT_POLICY entry "NOPE=gate": "NOPE" is not a clause id/);
  expectError(
    { CONTRACT_POLICY: 'DUPLICATE-KEYS=strict' },
    /"strict" is not a verdict; use one of gate, advisory, off/,
  );
  expectError({ CONTRACT_POLICY: 'DUPLICATE-KEYS' }, /expected CLAUSE-ID=verdict or kind=verdict/);
  expectError(
    { CONTRACT_POLICY_FILE: join(dir, 'missing.json') },
    /CONTRACT_POLICY_FILE=.*missing\.json does not exist/,
  );
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "kinds": ');
  expectError({ CONTRACT_POLICY_FILE: broken }, /is not valid JSON/);
  const wrongKind = join(dir, 'wrong-kind.json');
  writeFileSync(wrongKind, JSON.stringify({ kinds: { cosmetic: 'off' } }));
  expectError(
    { CONTRACT_POLICY_FILE: wrongKind },
    /"cosmetic" is not a clause kind \(kinds: contract, security, hardening\)/,
  );
  const extra = join(dir, 'extra.json');
  writeFileSync(extra, JSON.stringify({ kinds: {}, rules: {} }));
  expectError({ CONTRACT_POLICY_FILE: extra }, /unexpected key "rules"/);
});
