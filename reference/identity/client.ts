// The API's client for the identity service: the wire protocol of wire.ts over one persistent loopback TCP connection
// that carries every request (multiplexed by id). Any failure to get a well-formed answer (refused, reset, timeout,
// error frame, garbage) becomes an UpstreamError, which the API answers with the documented 502.
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { AuthenticateRequest, AuthenticateResult, IdentityBackend } from './service.ts';
import type { Health } from './wire.ts';
import { authenticateResult, frameSplitter, identityAddress, IDENTITY_SCHEME, parseAnswerFrame } from './wire.ts';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

export interface RemoteIdentityBackend extends IdentityBackend {
  readonly url: string;
  health(): Promise<Health>;
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: UpstreamError) => void;
  readonly timer: NodeJS.Timeout;
}

interface Connection {
  readonly socket: Socket;
  /** Requests sent on this connection and not answered yet, by id. */
  readonly pending: Map<number, Pending>;
}

const CONNECT_TIMEOUT_MS = 1000;

/** `url` is an identity address, `tcp://127.0.0.1:PORT` (see wire.ts). */
export function identityClient(url: string, timeoutMs = 10_000): RemoteIdentityBackend {
  const target = new URL(url);
  if (target.protocol !== IDENTITY_SCHEME || target.port === '') throw new Error(`not an identity address: ${url}`);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port);
  let current: Connection | undefined;
  let nextId = 1;
  let closed = false;

  // One connection at a time, opened on demand: when the identity dies its connection closes, everything in flight
  // on it fails (502), and the next request connects again, so service resumes as soon as the identity listens again.
  function connection(): Connection {
    if (current !== undefined && !current.socket.destroyed) return current;
    const s = connect({ host, port, noDelay: true });
    const pending = new Map<number, Pending>();
    const conn: Connection = { socket: s, pending };
    current = conn;
    const connectTimer = setTimeout(() => s.destroy(upstreamError('ETIMEDOUT')), CONNECT_TIMEOUT_MS);
    s.once('connect', () => clearTimeout(connectTimer));
    const feed = frameSplitter((text) => {
      const frame = parseAnswerFrame(text);
      if (frame === undefined) return void s.destroy(new UpstreamError('identity answered a malformed frame'));
      const request = pending.get(frame.id);
      if (request === undefined) return; // answered after its timeout
      pending.delete(frame.id);
      clearTimeout(request.timer);
      if ('error' in frame) request.reject(new UpstreamError(`identity answered an error: ${frame.error}`));
      else request.resolve(frame.result);
    });
    s.on('data', (chunk: Buffer) => {
      if (!feed(chunk)) s.destroy(new UpstreamError('identity answered a frame over the size limit'));
    });
    let failure: UpstreamError | undefined;
    s.on('error', (error: Error) => {
      failure = error instanceof UpstreamError ? error : upstreamError((error as NodeJS.ErrnoException).code);
    });
    s.on('close', () => {
      clearTimeout(connectTimer);
      if (current?.socket === s) current = undefined;
      const error = failure ?? new UpstreamError('identity closed the connection');
      for (const [id, request] of pending) {
        pending.delete(id);
        clearTimeout(request.timer);
        request.reject(error);
      }
    });
    return conn;
  }

  function call(frame: Record<string, unknown>): Promise<unknown> {
    if (closed) return Promise.reject(new UpstreamError('identity client closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const { socket, pending } = connection();
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new UpstreamError(`identity did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      socket.write(`${JSON.stringify({ id, ...frame })}\n`);
    });
  }

  return {
    url,
    async authenticate(request: AuthenticateRequest): Promise<AuthenticateResult> {
      const result = authenticateResult(await call({ op: 'authenticate', request }));
      if (result === undefined) throw new UpstreamError('identity answered a malformed result');
      return result;
    },
    async health(): Promise<Health> {
      return (await call({ op: 'health' })) as Health;
    },
    close: async () => {
      closed = true;
      current?.socket.destroy();
    },
  };
}

function upstreamError(code: string | undefined): UpstreamError {
  return new UpstreamError(`identity unreachable: ${code ?? 'connection failed'}`);
}

/** An identity address where nothing listens (a port bound, then released): the `--upstream dead` target. */
export async function deadUpstreamUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not reserve a loopback port');
  return identityAddress(address.port);
}
