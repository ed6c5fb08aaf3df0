// The intermittent defects do what they say: healthy for the warm-up, then exactly one successful login in EVERY is
// wrong, in the declared way only (the schema defect breaks one field; the identity defect swaps the identity and
// nothing else, so the JWT still names the caller).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAccount } from '../accounts.ts';
import { EVERY, INTERMITTENT_DEFECTS, WARM_UP_LOGINS } from '../intermittent-defects.ts';
import { json, testApp } from './support.ts';

type Body = {
  jwt: string;
  identity: { id: string; traits: { email: string } };
  session: { expires_at: string; identity: { id: string } };
  tokenizedSession: { identity: { id: string } };
};
const defect = (name: string) => INTERMITTENT_DEFECTS.find((d) => d.name === name)!;
const logins = WARM_UP_LOGINS + 3 * EVERY;

async function bodies(name: string): Promise<{ email: string; body: Body }[]> {
  const t = await testApp({ defect: defect(name) });
  const out: { email: string; body: Body }[] = [];
  for (let i = 0; i < logins; i++) {
    const account = loadAccount((i % 2) + 1);
    const r = await t.post(account);
    assert.equal(r.status, 200);
    out.push({ email: account.identifier, body: json(r) as Body });
  }
  return out;
}

const picked = (i: number): boolean => i + 1 > WARM_UP_LOGINS && (i + 1 - WARM_UP_LOGINS) % EVERY === 0;

describe('intermittent defects', () => {
  test(`intermittent-schema-break: logins ${WARM_UP_LOGINS + EVERY}, ${WARM_UP_LOGINS + 2 * EVERY}, ... lose the offset of expires_at, no other`, async () => {
    const all = await bodies('intermittent-schema-break');
    all.forEach(({ body }, i) => {
      const offset = /(Z|[+-]\d\d:\d\d)$/.test(body.session.expires_at);
      assert.equal(offset, !picked(i), `login ${i + 1}: expires_at ${body.session.expires_at}`);
    });
    assert.equal(all.filter((_, i) => picked(i)).length, 3);
  });

  test("intermittent-identity-swap: the picked logins carry another account's identity, the JWT still the caller's", async () => {
    const all = await bodies('intermittent-identity-swap');
    all.forEach(({ email, body }, i) => {
      const sub = (JSON.parse(Buffer.from(body.jwt.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
      const swapped = body.identity.traits.email !== email;
      assert.equal(swapped, picked(i), `login ${i + 1}: identity of ${body.identity.traits.email} for ${email}`);
      assert.equal(sub !== body.identity.id, swapped, `login ${i + 1}: the JWT names the caller`);
      assert.equal(body.session.identity.id, body.identity.id, 'nested identities swapped together');
      assert.equal(body.tokenizedSession.identity.id, body.identity.id);
    });
  });
});
