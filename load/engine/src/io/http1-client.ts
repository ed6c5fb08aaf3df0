// A lean HTTP/1.1 client on raw sockets for the I/O thread. node:http costs several times more CPU per request than
// the load it generates can afford on a small machine, and hides the socket moments k6 reports. This client keeps
// k6's model (one keep-alive connection pool per VU) and timestamps each phase at the socket: connection handed out,
// TCP connected, TLS done, request flushed to the kernel, first response byte, last response byte.
// TLS trusts Node's roots plus NODE_EXTRA_CA_CERTS (read at process start, shared by every thread). Through a proxy
// (the I/O thread decides per URL, with k6's rules): http:// requests go in absolute-form to the proxy, on keep-alive
// connections shared by every http target as Go shares them; https:// requests go through a CONNECT tunnel per
// target, TLS inside it, kept alive like a direct connection. `connecting` then covers the proxy's TCP connect and the
// CONNECT exchange.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';

export interface RawResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  rawHeaders: [string, string][];
  body: Buffer;
  remoteIp: string;
  remotePort: number;
  t: { start: number; got: number; connected: number; secured: number; sent: number; firstByte: number; end: number };
  reused: boolean;
  bytesSent: number;
  bytesReceived: number;
}

export interface RawRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer | null;
  timeoutMs: number;
  insecure: boolean;
  /** The proxy to go through, or undefined for a direct connection. */
  proxy?: ProxyRoute | undefined;
}

export interface ProxyRoute {
  readonly url: URL;
  /** Proxy-Authorization header value, if the proxy URL carries credentials. */
  readonly authorization: string | undefined;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly reused: boolean,
    readonly gotBytes: boolean,
    /** True when the failure is reaching the proxy or its CONNECT answer, not the target. */
    readonly atProxy = false,
  ) {
    super(message);
  }
}

interface Conn {
  socket: net.Socket;
  key: string;
}

const MAX_IDLE_PER_HOST = 6;

/** One VU's connections: idle keep-alive sockets per origin. */
export class ConnectionPool {
  private readonly idle = new Map<string, Conn[]>();

  destroy(): void {
    for (const list of this.idle.values()) for (const c of list) c.socket.destroy();
    this.idle.clear();
  }

  private take(key: string): Conn | undefined {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const c = list.pop()!;
      if (!c.socket.destroyed && c.socket.readyState === 'open') return c;
    }
    return undefined;
  }

  private give(c: Conn): void {
    const list = this.idle.get(c.key) ?? [];
    if (list.length >= MAX_IDLE_PER_HOST) {
      c.socket.destroy();
      return;
    }
    list.push(c);
    this.idle.set(c.key, list);
  }

  private forget(c: Conn): void {
    const l = this.idle.get(c.key);
    const i = l ? l.indexOf(c) : -1;
    if (l && i >= 0) l.splice(i, 1);
  }

  request(req: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const isTls = req.url.protocol === 'https:';
      const port = Number(req.url.port || (isTls ? 443 : 80));
      const host = req.url.hostname.replace(/^\[|\]$/g, '');
      const proxy = req.proxy;
      const key =
        proxy === undefined
          ? `${req.url.protocol}//${host}:${port}`
          : `proxy ${proxy.url.host} ${isTls ? `https://${host}:${port}` : 'http:'}`;
      const pooled = this.take(key);
      const reused = pooled !== undefined;
      const t = { start, got: start, connected: start, secured: start, sent: 0, firstByte: 0, end: 0 };
      let settled = false;
      let gotBytes = false;
      let atProxy = false;
      // The socket the failure concerns: the exchange's socket, or the raw socket to the proxy before a tunnel is up.
      let current: net.Socket;
      const fail = (err: Error & { code?: string }, failed: net.Socket) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        failed.destroy();
        reject(new HttpError(err.message, err.code ?? 'ERR', reused, gotBytes, atProxy));
      };
      const register = (created: net.Socket): Conn => {
        const conn: Conn = { socket: created, key };
        // A server closing an idle keep-alive connection must neither crash the thread nor be reused.
        created.on('error', () => undefined);
        created.once('close', () => this.forget(conn));
        return conn;
      };
      let c: Conn | undefined = pooled;
      let tunnel: net.Socket | undefined;
      if (!c) {
        if (proxy !== undefined) {
          const raw = net.connect({
            host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
            port: Number(proxy.url.port || 80),
          });
          raw.setNoDelay(true);
          atProxy = true;
          if (isTls) tunnel = raw;
          else c = register(raw);
        } else {
          const created = isTls
            ? tls.connect({
                host,
                port,
                servername: net.isIP(host) ? undefined : host,
                rejectUnauthorized: !req.insecure,
                ALPNProtocols: ['http/1.1'],
              })
            : net.connect({ host, port });
          created.setNoDelay(true);
          c = register(created);
        }
      }
      current = tunnel ?? c!.socket;
      t.got = performance.now();
      const timer = setTimeout(() => {
        const e = new Error('request timeout') as Error & { code: string };
        e.code = 'TIMEOUT';
        fail(e, current);
      }, req.timeoutMs);
      let writtenBefore = 0;
      let readBefore = 0;

      // ---- response parsing
      let buf: Buffer = Buffer.alloc(0);
      let head: { status: number; statusText: string; version: string; headers: [string, string][] } | null = null;
      let bodyStart = 0;
      let framing: 'none' | 'length' | 'chunked' | 'close' = 'none';
      let length = 0;
      let keepAlive = true;

      const finish = (body: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        t.end = performance.now();
        const socket = current;
        socket.removeListener('data', onData);
        socket.removeListener('error', onError);
        socket.removeListener('end', onEnd);
        const res: RawResponse = {
          status: head!.status,
          statusText: head!.statusText,
          httpVersion: head!.version,
          rawHeaders: head!.headers,
          body,
          remoteIp: socket.remoteAddress ?? '',
          remotePort: socket.remotePort ?? 0,
          t,
          reused,
          bytesSent: socket.bytesWritten - writtenBefore,
          bytesReceived: socket.bytesRead - readBefore,
        };
        if (keepAlive && framing !== 'close') this.give(c!);
        else socket.destroy();
        resolve(res);
      };

      const tryParse = () => {
        if (!head) {
          const idx = buf.indexOf('\r\n\r\n');
          if (idx < 0) return;
          const lines = buf.toString('latin1', 0, idx).split('\r\n');
          const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
          if (!m) {
            fail(
              Object.assign(new Error(`malformed HTTP response: ${JSON.stringify((lines[0] ?? '').slice(0, 60))}`), {
                code: 'EPROTO',
              }),
              current,
            );
            return;
          }
          const headers: [string, string][] = [];
          let te = '';
          let cl = -1;
          for (const line of lines.slice(1)) {
            const i = line.indexOf(':');
            if (i <= 0) continue;
            const name = line.slice(0, i).trim();
            const value = line.slice(i + 1).trim();
            headers.push([name, value]);
            const lower = name.toLowerCase();
            if (lower === 'content-length') cl = Number(value);
            else if (lower === 'transfer-encoding') te = value.toLowerCase();
            else if (lower === 'connection' && value.toLowerCase() === 'close') keepAlive = false;
          }
          head = { status: Number(m[2]), statusText: m[3] ?? '', version: m[1]!, headers };
          if (m[1] === '1.0')
            keepAlive = headers.some(([n, v]) => n.toLowerCase() === 'connection' && /keep-alive/i.test(v));
          bodyStart = idx + 4;
          const status = head.status;
          if (req.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200))
            framing = 'none';
          else if (te.includes('chunked')) framing = 'chunked';
          else if (cl >= 0) {
            framing = 'length';
            length = cl;
          } else framing = 'close';
        }
        if (framing === 'none') return finish(Buffer.alloc(0));
        if (framing === 'length') {
          if (buf.length - bodyStart >= length) finish(buf.subarray(bodyStart, bodyStart + length));
          return;
        }
        if (framing === 'chunked') {
          const parts: Buffer[] = [];
          let pos = bodyStart;
          for (;;) {
            const lineEnd = buf.indexOf('\r\n', pos);
            if (lineEnd < 0) return;
            const size = parseInt(buf.toString('latin1', pos, lineEnd).split(';')[0]!, 16);
            if (Number.isNaN(size)) {
              fail(Object.assign(new Error('malformed chunked encoding'), { code: 'EPROTO' }), current);
              return;
            }
            if (size === 0) {
              const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd);
              if (trailerEnd < 0 && buf.indexOf('\r\n', lineEnd + 2) !== lineEnd + 2) return;
              return finish(Buffer.concat(parts));
            }
            if (buf.length < lineEnd + 2 + size + 2) return;
            parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
            pos = lineEnd + 2 + size + 2;
          }
        }
      };

      function onData(chunk: Buffer) {
        if (!gotBytes) {
          gotBytes = true;
          t.firstByte = performance.now();
          if (t.sent === 0) t.sent = t.firstByte;
        }
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        tryParse();
      }
      function onError(err: Error) {
        fail(err, current);
      }
      function onEnd() {
        if (head && framing === 'close') return finish(buf.subarray(bodyStart));
        fail(
          Object.assign(new Error('connection closed by the server before the response was complete'), {
            code: 'ECONNRESET',
          }),
          current,
        );
      }
      // ---- request
      const send = () => {
        // Through a proxy, an http:// request names its target in absolute-form (RFC 9112 section 3.2.2), as Go's does.
        const target =
          proxy !== undefined && !isTls
            ? `${req.url.protocol}//${req.url.host}${req.url.pathname}${req.url.search}`
            : `${req.url.pathname}${req.url.search}`;
        let headText = `${req.method} ${target} HTTP/1.1\r\nHost: ${req.url.host}\r\n`;
        if (proxy?.authorization !== undefined && !isTls) headText += `Proxy-Authorization: ${proxy.authorization}\r\n`;
        for (const [k, v] of Object.entries(req.headers)) headText += `${k}: ${v}\r\n`;
        if (req.body !== null || ['POST', 'PUT', 'PATCH'].includes(req.method))
          headText += `Content-Length: ${req.body?.length ?? 0}\r\n`;
        headText += '\r\n';
        const payload = req.body
          ? Buffer.concat([Buffer.from(headText, 'latin1'), req.body])
          : Buffer.from(headText, 'latin1');
        current.write(payload, () => {
          if (t.sent === 0) t.sent = performance.now();
        });
      };
      /** Starts the exchange on `conn`: listeners, then the request once the socket is ready. */
      const begin = (conn: Conn, ready: 'now' | 'connect' | 'secureConnect') => {
        c = conn;
        const socket = conn.socket;
        current = socket;
        writtenBefore = socket.bytesWritten;
        readBefore = socket.bytesRead;
        socket.on('data', onData);
        socket.on('error', onError);
        socket.on('end', onEnd);
        if (ready === 'now') {
          send();
        } else if (ready === 'secureConnect') {
          socket.once('connect', () => (t.connected = performance.now()));
          socket.once('secureConnect', () => {
            t.secured = performance.now();
            if (t.connected === start) t.connected = t.secured;
            send();
          });
        } else {
          socket.once('connect', () => {
            atProxy = false;
            t.connected = performance.now();
            t.secured = t.connected;
            send();
          });
        }
      };

      if (tunnel === undefined) {
        begin(c!, reused ? 'now' : isTls ? 'secureConnect' : 'connect');
        return;
      }
      // CONNECT host:port through the proxy, then TLS to the target inside the tunnel. `connecting` covers both.
      const raw = tunnel;
      let answer: Buffer = Buffer.alloc(0);
      const onTunnelError = (err: Error) => fail(err, raw);
      const onTunnelData = (chunk: Buffer) => {
        answer = answer.length === 0 ? chunk : Buffer.concat([answer, chunk]);
        const idx = answer.indexOf('\r\n\r\n');
        if (idx < 0) {
          if (answer.length > 16_384) fail(Object.assign(new Error('proxy answer too large'), { code: 'EPROTO' }), raw);
          return;
        }
        raw.removeListener('data', onTunnelData);
        const status = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(answer.toString('latin1', 0, answer.indexOf('\r\n')));
        if (status === null || status[1] !== '200') {
          // As Go does, the error is the proxy's status text (e.g. "Proxy Authentication Required").
          const text = status === null ? 'malformed proxy answer to CONNECT' : status[2] || `status ${status[1]}`;
          atProxy = false;
          fail(Object.assign(new Error(text), { code: 'EPROXY' }), raw);
          return;
        }
        raw.removeListener('error', onTunnelError);
        if (idx + 4 < answer.length) raw.unshift(answer.subarray(idx + 4));
        atProxy = false;
        t.connected = performance.now();
        const secure = tls.connect({
          socket: raw,
          host,
          servername: net.isIP(host) ? undefined : host,
          rejectUnauthorized: !req.insecure,
          ALPNProtocols: ['http/1.1'],
        });
        begin(register(secure), 'secureConnect');
      };
      raw.on('error', onTunnelError);
      raw.on('data', onTunnelData);
      raw.once('connect', () => {
        const authority = `${req.url.hostname}:${port}`;
        const auth = proxy?.authorization === undefined ? '' : `Proxy-Authorization: ${proxy.authorization}\r\n`;
        raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
      });
    });
  }
}
