import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allureCategories } from '../allure-categories.ts';
import { clauses } from '../clauses.ts';

test('Allure categories: advisories first, by label; every clause falls in exactly one failure category', () => {
  assert.equal(allureCategories[0]?.name, 'Advisories');
  assert.deepEqual(allureCategories[0]?.matchers, { statuses: ['passed'], labels: { advisory: '.+' } });
  for (const clause of clauses) {
    const message = `[${clause.id}] something failed`;
    const matching = allureCategories.filter(
      (c) => 'messageRegex' in c && c.name !== 'Infrastructure errors' && new RegExp(c.messageRegex).test(message),
    );
    const expected = clause.kind === 'security' ? 'Security findings' : 'Contract violations';
    assert.deepEqual(
      matching.map((c) => c.name),
      [expected],
      clause.id,
    );
  }
});
