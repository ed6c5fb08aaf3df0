// Load accounts: validated before any load, one account per VU, never a password in an error message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountIndexForVu, parseAccounts } from '../../load/lib/accounts.ts';
import { LoadInputError } from '../../load/lib/input-error.ts';

const secret = 'Load-Only-Passw0rd-0001!';
const accounts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ identifier: `load-${i + 1}@reference.test`, password: secret }));

describe('parseAccounts', () => {
  it('accepts enough well-formed accounts', () => {
    assert.equal(parseAccounts(JSON.stringify(accounts(3)), 'a.json', 3).length, 3);
  });

  const cases: [string, string, number, RegExp][] = [
    ['malformed JSON', '[{"identifier":', 1, /a\.json is not valid JSON/],
    ['not an array', JSON.stringify({ accounts: accounts(2) }), 1, /must be a JSON array/],
    ['empty array', '[]', 1, /has 0 accounts but the profile needs 1/],
    ['missing password', JSON.stringify([{ identifier: 'x@y.test' }]), 1, /entry 0 must be/],
    ['empty identifier', JSON.stringify([{ identifier: '', password: secret }]), 1, /entry 0 must be/],
    ['duplicate', JSON.stringify([...accounts(2), accounts(1)[0]]), 1, /appears twice/],
    ['too few for maxVUs', JSON.stringify(accounts(5)), 20, /has 5 accounts but the profile needs 20/],
  ];
  for (const [name, text, needed, message] of cases) {
    it(`rejects ${name} in one line without the password`, () => {
      assert.throws(
        () => parseAccounts(text, 'a.json', needed),
        (e: unknown) =>
          e instanceof LoadInputError &&
          message.test(e.message) &&
          !e.message.includes(secret) &&
          !e.message.includes('\n'),
      );
    });
  }
});

describe('one account per VU', () => {
  it('maps every VU id of a run to a distinct account', () => {
    const indexes = Array.from({ length: 50 }, (_, i) => accountIndexForVu(i + 1, 50));
    assert.equal(new Set(indexes).size, 50);
    assert.deepEqual(indexes.slice(0, 3), [0, 1, 2]);
  });

  it('refuses a VU beyond the accounts instead of sharing one', () => {
    assert.throws(() => accountIndexForVu(51, 50), /VU 51 has no load account/);
    assert.throws(() => accountIndexForVu(0, 50), LoadInputError);
  });
});
