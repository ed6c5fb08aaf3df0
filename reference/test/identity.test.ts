// The identity service: seeding, verification, bounded sessions, and its HTTP protocol and client.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { describe, test } from 'node:test';
import { identityIdFor, MAIN_ACCOUNT } from '../accounts.ts';
import { deadUpstreamUrl, httpIdentityBackend, UpstreamError } from '../identity/client.ts';
import { identityRequestListener } from '../identity/http.ts';
import { createIdentityService } from '../identity/service.ts';
import { createLogger } from '../log.ts';

const device = { ip_address: '127.0.0.1', user_agent: 'test' };
const main = { ...MAIN_ACCOUNT, device };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

describe('identity service', () => {
  test('seeds the main account and N load accounts with stable ids', async () => {
    const service = await createIdentityService({ hashCost: 'fast', loadAccounts: 3 });
    service.close();
    assert.equal(service.accounts, 4);
    const result = await service.authenticate({
      identifier: 'load-0003@reference.test',
      password: 'Load-Only-Passw0rd-0003!',
      device,
    });
    assert.ok(result.ok);
    assert.equal(result.identity.id, identityIdFor('load-0003@reference.test'));
    assert.deepEqual(await service.authenticate({ ...main, identifier: 'load-0004@reference.test' }), {
      ok: false,
      reason: 'unknown-identifier',
    });
    assert.deepEqual(await service.authenticate({ ...main, password: 'wrong' }), {
      ok: false,
      reason: 'wrong-password',
    });
  });

  test('stores at most maxSessions sessions (oldest evicted)', async () => {
    const service = await createIdentityService({ hashCost: 'fast', loadAccounts: 0, maxSessions: 3 });
    service.close();
    for (let i = 0; i < 10; i++) assert.ok((await service.authenticate(main)).ok);
    assert.equal(service.sessionCount(), 3);
  });

  test('expired sessions are dropped and expiry is on a whole second', async () => {
    let now = Date.parse('2026-01-01T00:00:00.500Z');
    const service = await createIdentityService({
      hashCost: 'fast',
      loadAccounts: 0,
      sessionTtlSeconds: 60,
      now: () => now,
    });
    service.close();
    const first = await service.authenticate(main);
    assert.ok(first.ok);
    assert.equal(first.session.authenticated_at, '2026-01-01T00:00:00.500Z');
    assert.equal(first.session.expires_at, '2026-01-01T00:01:00.000Z');
    await service.authenticate(main);
    assert.equal(service.sessionCount(), 2);
    now += 120_000;
    await service.authenticate(main);
    assert.equal(service.sessionCount(), 1);
  });

  test('faults from the catalog: skip the dummy verification, accept any password', async () => {
    const service = await createIdentityService({
      hashCost: 'fast',
      loadAccounts: 0,
      faults: { skipDummyVerify: true, acceptAnyPassword: true },
    });
    service.close();
    await service.authenticate({ ...main, identifier: 'nobody@reference.test' });
    assert.equal(service.verifications(), 0);
    assert.ok((await service.authenticate({ ...main, password: 'anything' })).ok);
  });
});

describe('identity over HTTP', () => {
  test('the client authenticates through the wire protocol', async () => {
    const service = await createIdentityService({ hashCost: 'fast', loadAccounts: 0 });
    service.close();
    const server = createServer(identityRequestListener(service, createLogger('test', 'silent')));
    const client = httpIdentityBackend(await listen(server));
    try {
      const ok = await client.authenticate(main);
      assert.ok(ok.ok);
      assert.equal(ok.session.devices[0]?.location, 'loopback');
      assert.deepEqual(await client.authenticate({ ...main, password: 'nope' }), {
        ok: false,
        reason: 'wrong-password',
      });
      const health = await fetch(`${client.url}/healthz`);
      assert.deepEqual(await health.json(), { ok: true, accounts: 1, sessions: 1 });
    } finally {
      await client.close();
      server.close();
    }
  });

  test('refused connection, 5xx and malformed answers are UpstreamErrors', async () => {
    const dead = httpIdentityBackend(await deadUpstreamUrl());
    await assert.rejects(dead.authenticate(main), UpstreamError);
    await dead.close();

    let answer = { status: 500, body: '{}' };
    const fake = createServer((_req, res) =>
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body),
    );
    const client = httpIdentityBackend(await listen(fake));
    try {
      await assert.rejects(client.authenticate(main), /identity answered 500/);
      answer = { status: 200, body: '<html>' };
      await assert.rejects(client.authenticate(main), /malformed/);
      answer = { status: 200, body: '{"ok":false,"reason":"other"}' };
      await assert.rejects(client.authenticate(main), /malformed/);
    } finally {
      await client.close();
      fake.close();
    }
  });

  test('a hung upstream times out as an UpstreamError', async () => {
    const hung = createServer(() => {}); // never answers
    const client = httpIdentityBackend(await listen(hung), 200);
    try {
      await assert.rejects(client.authenticate(main), UpstreamError);
    } finally {
      await client.close().catch(() => {});
      hung.closeAllConnections();
      hung.close();
    }
  });
});
