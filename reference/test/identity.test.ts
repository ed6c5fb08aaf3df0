// The identity service: seeding, verification, bounded sessions, and its wire protocol (framed JSON over TCP) from
// both ends: the client against fake servers that misbehave, the listener against raw frames.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { describe, test } from 'node:test';
import { identityIdFor, MAIN_ACCOUNT } from '../accounts.ts';
import { deadUpstreamUrl, identityClient, UpstreamError } from '../identity/client.ts';
import { createIdentityServer } from '../identity/listener.ts';
import { createIdentityService } from '../identity/service.ts';
import type { IdentityService } from '../identity/service.ts';
import { frameSplitter, identityAddress, MAX_FRAME_BYTES } from '../identity/wire.ts';
import { createLogger } from '../log.ts';

const device = { ip_address: '127.0.0.1', user_agent: 'test' };
const main = { ...MAIN_ACCOUNT, device };

async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return identityAddress(address.port);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A fake identity that hands every request frame (parsed) to `onFrame`, with the socket to answer on. */
function fakeIdentity(onFrame: (frame: { id: number; op: string }, socket: Socket) => void): {
  server: Server;
  sockets: Set<Socket>;
} {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const feed = frameSplitter((text) => onFrame(JSON.parse(text) as { id: number; op: string }, socket));
    socket.on('data', (chunk: Buffer) => void feed(chunk));
  });
  return { server, sockets };
}

const okResult = (id: number, email = 'x@reference.test'): string =>
  `${JSON.stringify({
    id,
    result: {
      ok: true,
      identity: { id: 'i', email },
      session: { id: 's', token: 't', authenticated_at: 'a', expires_at: 'e', devices: [] },
    },
  })}\n`;

/** The real listener on a free port, over a fast-hashing service. */
async function realIdentity(port = 0): Promise<{ url: string; service: IdentityService; close(): Promise<void> }> {
  const service = await createIdentityService({ hashCost: 'fast', loadAccounts: 0 });
  service.close();
  const identity = createIdentityServer(service, createLogger('test', 'silent'));
  const url = await listen(identity.server, port);
  return { url, service, close: () => identity.close() };
}

describe('identity service', () => {
  test('seeds the main account, the probe account and N load accounts with stable ids', async () => {
    const service = await createIdentityService({ hashCost: 'fast', loadAccounts: 3 });
    service.close();
    assert.equal(service.accounts, 5);
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

describe('identity wire protocol: client', () => {
  test('authenticates through the real listener; health reports accounts and sessions', async () => {
    const identity = await realIdentity();
    const client = identityClient(identity.url);
    try {
      const ok = await client.authenticate(main);
      assert.ok(ok.ok);
      assert.equal(ok.session.devices[0]?.location, 'loopback');
      assert.deepEqual(await client.authenticate({ ...main, password: 'nope' }), {
        ok: false,
        reason: 'wrong-password',
      });
      assert.deepEqual(await client.authenticate({ ...main, identifier: 'nobody@reference.test' }), {
        ok: false,
        reason: 'unknown-identifier',
      });
      assert.deepEqual(await client.health(), { ok: true, accounts: 2, sessions: 1 });
    } finally {
      await client.close();
      await identity.close();
    }
  });

  test('concurrent requests share one connection and each gets its own answer, in any order', async () => {
    const held: { id: number; socket: Socket }[] = [];
    const connections: Socket[] = [];
    const fake = fakeIdentity((frame, socket) => {
      if (!connections.includes(socket)) connections.push(socket);
      held.push({ id: frame.id, socket });
      // Answer all three at once, in reverse order, each with an email naming its request id.
      if (held.length === 3) for (const h of held.reverse()) h.socket.write(okResult(h.id, `${h.id}@x`));
    });
    const client = identityClient(await listen(fake.server));
    try {
      const answers = await Promise.all([1, 2, 3].map(() => client.authenticate(main)));
      assert.deepEqual(
        answers.map((a) => (a.ok ? a.identity.email : a.reason)),
        ['1@x', '2@x', '3@x'],
      );
      assert.equal(connections.length, 1);
    } finally {
      await client.close();
      await close(fake.server);
    }
  });

  test('a dead port (refused) is an UpstreamError naming the cause', async () => {
    const dead = identityClient(await deadUpstreamUrl());
    await assert.rejects(dead.authenticate(main), (e) => e instanceof UpstreamError && /ECONNREFUSED/.test(e.message));
    await dead.close();
  });

  for (const [name, reply, message] of [
    ['an error frame', (id: number) => `${JSON.stringify({ id, error: 'internal' })}\n`, /answered an error: internal/],
    ['a garbage frame', () => '<html>\n', /malformed frame/],
    ['a frame without an id', () => '{"result":{"ok":false,"reason":"wrong-password"}}\n', /malformed frame/],
    [
      'a result of the wrong shape',
      (id: number) => `${JSON.stringify({ id, result: { ok: false, reason: 'other' } })}\n`,
      /malformed result/,
    ],
    ['a frame over the size limit', () => 'x'.repeat(MAX_FRAME_BYTES + 10), /over the size limit/],
    ['a closed connection', () => null, /closed the connection/],
  ] as const) {
    test(`${name} is an UpstreamError`, async () => {
      const fake = fakeIdentity((frame, socket) => {
        const text = reply(frame.id);
        if (text === null) socket.destroy();
        else socket.write(text);
      });
      const client = identityClient(await listen(fake.server));
      try {
        await assert.rejects(client.authenticate(main), (e) => e instanceof UpstreamError && message.test(e.message));
      } finally {
        await client.close();
        await close(fake.server);
      }
    });
  }

  test('a hung upstream times out as an UpstreamError, and a late answer is ignored', async () => {
    let late: (() => void) | undefined;
    const fake = fakeIdentity((frame, socket) => {
      if (frame.id === 1) late = () => socket.write(okResult(1));
      else socket.write(okResult(frame.id, 'second@x'));
    });
    const client = identityClient(await listen(fake.server), 200);
    try {
      await assert.rejects(client.authenticate(main), /did not answer within 200 ms/);
      late?.(); // the answer to the timed-out request arrives now: it must not be taken for the next one
      const next = await client.authenticate(main);
      assert.ok(next.ok);
      assert.equal(next.identity.email, 'second@x');
    } finally {
      await client.close();
      for (const s of fake.sockets) s.destroy();
      await close(fake.server);
    }
  });

  test('the identity killed mid-request: 502 at once; after a restart on the same port the next request succeeds', async () => {
    const fake = fakeIdentity(() => {}); // holds the request, then dies
    const url = await listen(fake.server);
    const client = identityClient(url, 5000);
    try {
      const inFlight = client.authenticate(main);
      while (fake.sockets.size === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20)); // let the frame arrive
      const started = performance.now();
      for (const s of fake.sockets) s.destroy();
      await close(fake.server);
      await assert.rejects(inFlight, /closed the connection|ECONNRESET/);
      assert.ok(performance.now() - started < 1000, 'failed without waiting for the timeout');
      await assert.rejects(client.authenticate(main), /ECONNREFUSED/);
      const restarted = await realIdentity(Number(new URL(url).port));
      try {
        assert.ok((await client.authenticate(main)).ok);
      } finally {
        await restarted.close();
      }
    } finally {
      await client.close();
    }
  });
});

describe('identity wire protocol: listener', () => {
  /** Send raw bytes to the real listener; collect the answer frames until the connection closes or `count` arrive. */
  async function exchange(
    url: string,
    bytes: string | string[],
    count: number,
  ): Promise<{ frames: unknown[]; closed: boolean }> {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
    const frames: unknown[] = [];
    return new Promise((resolve) => {
      const feed = frameSplitter((text) => {
        frames.push(JSON.parse(text));
        if (frames.length === count) {
          socket.destroy();
          resolve({ frames, closed: false });
        }
      });
      socket.on('data', (chunk: Buffer) => void feed(chunk));
      socket.on('close', () => resolve({ frames, closed: true }));
      socket.on('error', () => {});
      // Pieces go out 10 ms apart, so the listener sees a frame cut across reads.
      const pieces = typeof bytes === 'string' ? [bytes] : bytes;
      pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), 10 * i));
    });
  }

  test('answers frames split across writes and several frames in one write, each with its id', async () => {
    const identity = await realIdentity();
    try {
      const frames = [
        { id: 5, op: 'authenticate', request: main },
        { id: 6, op: 'authenticate', request: { ...main, password: 'wrong' } },
        { id: 7, op: 'health' },
      ];
      const text = frames.map((f) => `${JSON.stringify(f)}\n`).join('');
      const cut = text.indexOf('password') + 3; // inside the first frame
      const { frames: answers } = await exchange(identity.url, [text.slice(0, cut), text.slice(cut)], 3);
      const byId = new Map((answers as { id: number; result: { ok: boolean } }[]).map((a) => [a.id, a.result]));
      assert.equal(byId.get(5)?.ok, true);
      assert.deepEqual(byId.get(6), { ok: false, reason: 'wrong-password' });
      assert.deepEqual(byId.get(7), { ok: true, accounts: 2, sessions: 0 }); // answered before the argon2 work ends
    } finally {
      await identity.close();
    }
  });

  test('a well-framed but invalid request gets an error frame; the connection stays usable', async () => {
    const identity = await realIdentity();
    try {
      const bad = { id: 1, op: 'authenticate', request: { identifier: 'x', password: 5, device: {} } };
      const { frames, closed } = await exchange(
        identity.url,
        `${JSON.stringify(bad)}\n${JSON.stringify({ id: 2, op: 'delete' })}\n${JSON.stringify({ id: 3, op: 'health' })}\n`,
        3,
      );
      assert.equal(closed, false);
      assert.deepEqual(frames.slice(0, 2), [
        { id: 1, error: 'bad_request' },
        { id: 2, error: 'bad_request' },
      ]);
    } finally {
      await identity.close();
    }
  });

  test('close() lets an in-flight request finish, then ends the connection', async () => {
    let release: (() => void) | undefined;
    const slow: IdentityService = {
      accounts: 1,
      sessionCount: () => 0,
      verifications: () => 0,
      close: () => {},
      authenticate: () => new Promise((resolve) => (release = () => resolve({ ok: false, reason: 'wrong-password' }))),
    };
    const identity = createIdentityServer(slow, createLogger('test', 'silent'));
    const client = identityClient(await listen(identity.server));
    try {
      const answer = client.authenticate(main);
      while (release === undefined) await new Promise((r) => setTimeout(r, 5));
      let closed = false;
      const closing = identity.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(closed, false, 'waits for the request in flight');
      release();
      assert.deepEqual(await answer, { ok: false, reason: 'wrong-password' });
      await closing;
    } finally {
      await client.close();
    }
  });

  for (const [name, bytes] of [
    ['an unparseable frame', 'not json\n'],
    ['a frame without an id', '{"op":"health"}\n'],
    ['a frame over the size limit', 'x'.repeat(MAX_FRAME_BYTES + 10)],
  ] as const) {
    test(`${name} closes the connection without an answer`, async () => {
      const identity = await realIdentity();
      try {
        assert.deepEqual(await exchange(identity.url, bytes, 1), { frames: [], closed: true });
      } finally {
        await identity.close();
      }
    });
  }
});
