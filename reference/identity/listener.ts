// The identity service's end of the wire protocol (wire.ts): a TCP server that answers each request frame on the
// connection it came from, in completion order. A frame that cannot be parsed at all (no id) is a protocol violation:
// the connection is closed, and the client fails whatever it had in flight as an upstream error.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { IdentityService } from './service.ts';
import type { AnswerFrame } from './wire.ts';
import { frameSplitter, parseRequestFrame } from './wire.ts';

export interface IdentityServer {
  readonly server: Server;
  /** Stop accepting; connections close once their in-flight requests are answered (or at once when idle). */
  close(): Promise<void>;
}

export function createIdentityServer(service: IdentityService, log: Logger): IdentityServer {
  const inFlight = new Map<Socket, number>();
  let closing = false;

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    inFlight.set(socket, 0);
    const answer = (frame: AnswerFrame): void => {
      if (!socket.writable) return;
      socket.write(`${JSON.stringify(frame)}\n`);
    };
    const done = (): void => {
      const count = inFlight.get(socket);
      if (count === undefined) return; // the connection closed while its request was hashing
      const left = count - 1;
      inFlight.set(socket, left);
      if (closing && left === 0) socket.end();
    };
    const feed = frameSplitter((text) => {
      const frame = parseRequestFrame(text);
      if (frame === undefined) {
        log.warn('identity: unparseable frame; closing the connection');
        socket.destroy();
        return;
      }
      if ('bad' in frame) return answer({ id: frame.id, error: 'bad_request' });
      if (frame.op === 'health') {
        return answer({
          id: frame.id,
          result: { ok: true, accounts: service.accounts, sessions: service.sessionCount() },
        });
      }
      inFlight.set(socket, inFlight.get(socket)! + 1);
      service.authenticate(frame.request).then(
        (result) => {
          answer({ id: frame.id, result });
          done();
        },
        (error: unknown) => {
          log.error({ err: error instanceof Error ? error.message : String(error) }, 'identity request failed');
          answer({ id: frame.id, error: 'internal' });
          done();
        },
      );
    });
    socket.on('data', (chunk: Buffer) => {
      if (!feed(chunk)) {
        log.warn('identity: frame over the size limit; closing the connection');
        socket.destroy();
      }
    });
    socket.on('error', () => {}); // a client that vanished: 'close' follows
    socket.on('close', () => inFlight.delete(socket));
  });

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        for (const [socket, count] of inFlight) if (count === 0) socket.end();
      }),
  };
}
