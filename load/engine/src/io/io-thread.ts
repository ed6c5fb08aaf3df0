// The HTTP I/O thread: performs every VU's requests with node:http (keep-alive agent per VU, like k6's per-VU
// connection pool) and measures k6's timing phases at the socket. Replies over the VU's MessagePort, then wakes the
// blocked VU through its shared signal cell.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { HttpRequestSpec, HttpResult } from '../protocol.ts';

const insecure = Boolean((workerData as { insecureSkipTLSVerify?: boolean } | undefined)?.insecureSkipTLSVerify);
const seenBytes = new WeakMap<Socket, { written: number; read: number }>();

interface VuChannel {
  port: MessagePort;
  signal: Int32Array;
  agent: http.Agent;
  tlsAgent: https.Agent;
}

function errorOf(err: NodeJS.ErrnoException, url: URL | null, timedOut: boolean): { error: string; code: number } {
  const hostPort = url ? `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}` : '';
  if (timedOut) return { error: 'request timeout', code: 1050 };
  switch (err.code) {
    case 'ECONNREFUSED':
      return { error: `dial tcp ${hostPort}: connect: connection refused`, code: 1212 };
    case 'ECONNRESET':
      return { error: `read tcp ${hostPort}: read: connection reset by peer`, code: 1220 };
    case 'EPIPE':
      return { error: `write tcp ${hostPort}: write: broken pipe`, code: 1201 };
    case 'ENOTFOUND':
      return { error: `lookup ${url?.hostname ?? ''}: no such host`, code: 1101 };
    case 'EAI_AGAIN':
      return { error: `lookup ${url?.hostname ?? ''}: ${err.message}`, code: 1100 };
    case 'ETIMEDOUT':
      return { error: `dial tcp ${hostPort}: i/o timeout`, code: 1211 };
    default:
      if (err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT')) return { error: err.message, code: 1300 };
      return { error: err.message, code: 1000 };
  }
}

function emptyResult(spec: HttpRequestSpec, error: string, code: number, t0: number, end: number): HttpResult {
  return {
    status: 0,
    statusText: '',
    proto: '',
    headers: {},
    body: null,
    bodyIsB64: false,
    url: spec.url,
    remoteIp: '',
    remotePort: 0,
    timings: {
      duration: end - t0,
      blocked: 0,
      connecting: 0,
      tls_handshaking: 0,
      sending: 0,
      waiting: 0,
      receiving: 0,
    },
    error,
    errorCode: code,
    bytesSent: 0,
    bytesReceived: 0,
    endTime: Date.now(),
  };
}

function perform(ch: VuChannel, spec: HttpRequestSpec, retried = false): Promise<HttpResult> {
  return new Promise((resolveResult) => {
    const t0 = performance.now();
    let url: URL;
    try {
      url = new URL(spec.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`unsupported protocol ${url.protocol}`);
    } catch (e) {
      resolveResult(emptyResult(spec, `invalid URL "${spec.url}": ${(e as Error).message}`, 1020, t0, t0));
      return;
    }
    const isTls = url.protocol === 'https:';
    const body = spec.body === null ? null : spec.bodyIsB64 ? Buffer.from(spec.body, 'base64') : Buffer.from(spec.body);
    const headers: Record<string, string> = { ...spec.headers };
    if (body !== null) headers['Content-Length'] = String(body.length);
    let tSocket = t0;
    let tConnected = t0;
    let tSecure = t0;
    let tSent = t0;
    let tFirstByte = 0;
    let tResponse = 0;
    let reused = false;
    let socket: Socket | null = null;
    let timedOut = false;
    let settled = false;
    const options: https.RequestOptions = {
      method: spec.method,
      headers,
      agent: isTls ? ch.tlsAgent : ch.agent,
    };
    if (isTls && insecure) options.rejectUnauthorized = false;
    const req = (isTls ? https : http).request(url, options);
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('request timeout'));
    }, spec.timeoutMs);

    function bytes(): { sent: number; received: number } {
      if (!socket) return { sent: 0, received: 0 };
      const prev = seenBytes.get(socket) ?? { written: 0, read: 0 };
      const now = { written: socket.bytesWritten, read: socket.bytesRead };
      seenBytes.set(socket, now);
      return { sent: now.written - prev.written, received: now.read - prev.read };
    }

    function finish(result: HttpResult): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveResult(result);
    }

    req.on('socket', (s: Socket) => {
      socket = s;
      tSocket = performance.now();
      s.prependOnceListener('data', () => {
        if (tFirstByte === 0) tFirstByte = performance.now();
      });
      if (s.connecting) {
        s.once('connect', () => {
          tConnected = performance.now();
          tSecure = tConnected;
        });
        if (isTls) s.once('secureConnect', () => (tSecure = performance.now()));
      } else {
        reused = true;
        tConnected = tSocket;
        tSecure = tSocket;
      }
    });
    req.on('finish', () => {
      tSent = performance.now();
      tFirstByte = 0;
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const end = performance.now();
      if (reused && !retried && tResponse === 0 && !timedOut && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        // A keep-alive socket the server closed while idle: retry once on a fresh connection, as Go's client does.
        clearTimeout(timer);
        settled = true;
        void perform(ch, spec, true).then(resolveResult);
        return;
      }
      const { error, code } = errorOf(err, url, timedOut);
      const r = emptyResult(spec, error, code, t0, end);
      const b = bytes();
      r.bytesSent = b.sent;
      r.bytesReceived = b.received;
      finish(r);
    });
    req.on('response', (res: http.IncomingMessage) => {
      tResponse = performance.now();
      if (tFirstByte === 0 || tFirstByte < tSent) tFirstByte = tResponse;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (spec.responseType !== 'none') chunks.push(c);
      });
      res.on('error', () => undefined);
      res.on('end', () => {
        const tEnd = performance.now();
        const responseHeaders: Record<string, string> = {};
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const name = canonicalHeader(raw[i]!);
          responseHeaders[name] =
            responseHeaders[name] === undefined ? raw[i + 1]! : `${responseHeaders[name]}, ${raw[i + 1]}`;
        }
        const buf = Buffer.concat(chunks);
        const status = res.statusCode ?? 0;
        const connStart = reused ? tSocket : tSocket;
        const ready = Math.max(tSecure, tConnected);
        const sending = Math.max(0, tSent - ready);
        const waiting = Math.max(0, tFirstByte - tSent);
        const receiving = Math.max(0, tEnd - tFirstByte);
        const b = bytes();
        finish({
          status,
          statusText: `${status} ${res.statusMessage ?? ''}`.trim(),
          proto: `HTTP/${res.httpVersion}`,
          headers: responseHeaders,
          body:
            spec.responseType === 'none'
              ? null
              : spec.responseType === 'binary'
                ? buf.toString('base64')
                : buf.toString('utf8'),
          bodyIsB64: spec.responseType === 'binary',
          url: spec.url,
          remoteIp: socket?.remoteAddress ?? '',
          remotePort: socket?.remotePort ?? 0,
          timings: {
            duration: sending + waiting + receiving,
            blocked: Math.max(0, connStart - t0),
            connecting: reused ? 0 : Math.max(0, tConnected - tSocket),
            tls_handshaking: reused || !isTls ? 0 : Math.max(0, tSecure - tConnected),
            sending,
            waiting,
            receiving,
          },
          error: '',
          errorCode: status >= 400 && status < 600 ? 1000 + status : 0,
          bytesSent: b.sent,
          bytesReceived: b.received,
          endTime: Date.now(),
        });
      });
    });
    if (body !== null) req.end(body);
    else req.end();
  });
}

function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p.length > 0 ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join('-');
}

function attach(port: MessagePort, signalBuffer: SharedArrayBuffer): void {
  const ch: VuChannel = {
    port,
    signal: new Int32Array(signalBuffer),
    agent: new http.Agent({ keepAlive: true, maxSockets: 6 }),
    tlsAgent: new https.Agent({ keepAlive: true, maxSockets: 6 }),
  };
  port.on('message', (specJson: string) => {
    const specs = JSON.parse(specJson) as HttpRequestSpec[];
    void Promise.all(specs.map((s) => perform(ch, s))).then((results) => {
      port.postMessage(JSON.stringify(results));
      Atomics.store(ch.signal, 0, 1);
      Atomics.notify(ch.signal, 0);
    });
  });
  port.on('close', () => {
    ch.agent.destroy();
    ch.tlsAgent.destroy();
  });
}

parentPort!.on('message', (msg: { t: 'attach'; port: MessagePort; signal: SharedArrayBuffer }) => {
  if (msg.t === 'attach') attach(msg.port, msg.signal);
});
