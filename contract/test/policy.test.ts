import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadContractPolicy } from '../../config/policy.ts';
import { clauses } from '../clauses.ts';
import { result } from '../checks/result.ts';
import { judge } from '../policy.ts';

const defaults = loadContractPolicy(clauses, {});

test('the default policy gates every contract and security clause and only advises on hardening', () => {
  for (const clause of clauses) {
    assert.equal(defaults.byClause.get(clause.id), clause.kind === 'hardening' ? 'advisory' : 'gate', clause.id);
  }
  assert.equal(clauses.find((c) => c.id === 'DUPLICATE-KEYS')?.kind, 'hardening');
});

test('judge: a problem on a gating clause is a violation, on an advisory clause an advisory, off is ignored', () => {
  const failing = (clause: 'DUPLICATE-KEYS' | 'S200-SCHEMA') => result(clause, 'check', ['something wrong']);
  assert.equal(judge(result('S200-SCHEMA', 'check', []), defaults), 'held');
  assert.equal(judge(failing('S200-SCHEMA'), defaults), 'violation');
  assert.equal(judge(failing('DUPLICATE-KEYS'), defaults), 'advisory');
  const strict = loadContractPolicy(clauses, { CONTRACT_POLICY: 'DUPLICATE-KEYS=gate' });
  assert.equal(judge(failing('DUPLICATE-KEYS'), strict), 'violation');
  const relaxed = loadContractPolicy(clauses, { CONTRACT_POLICY: 'contract=off' });
  assert.equal(judge(failing('S200-SCHEMA'), relaxed), 'ignored');
});
