// The k6 JavaScript API as seen by scripts. This file is bundled to an IIFE and evaluated INSIDE each VU's vm context,
// so every object a script can touch belongs to the sandbox realm. It talks to its worker only through `host`
// (primitives and plain data), which it keeps in a closure that scripts cannot reach.
import { WARM_UP_METHOD, type HttpRequestSpec, type HttpResult, type HttpTimings } from '../protocol.ts';
import type { HostApi, RawSample } from './host-api.ts';

// Inside a vm context every global lookup goes through V8's interceptors (about ten times slower than a local), and an
// iteration makes hundreds of them: read the sandbox realm's builtins once.
const { String, Error, JSON, Object, Number, ArrayBuffer, Uint8Array, Array, Boolean, Promise, Math } = globalThis;
const { encodeURIComponent } = globalThis;

type Dict = Record<string, unknown>;
type Tags = Record<string, string>;

interface VuIdentity {
  vuId: number;
  idInTest: number;
  env: Record<string, string>;
  globalTags: Tags;
  instanceId: number;
}

const ALLOWED_MODULES = ['k6', 'k6/http', 'k6/metrics', 'k6/data', 'k6/execution', 'k6/encoding', 'k6/crypto'];

class ScriptAbort extends Error {}

function createRuntime(host: HostApi, id: VuIdentity) {
  let samples: RawSample[] = [];
  let groupPath = '';
  let iterBytes = { sent: 0, received: 0 };
  let setupData: unknown = undefined;
  const vuTags: Dict = {};
  const vuMetadata: Dict = {};
  const current = {
    scenario: '',
    executor: '',
    scenarioStartTime: 0,
    iterationInScenario: 0,
    iterationInInstance: 0,
    iterationInTest: 0,
    vuIteration: -1,
    scenarioTags: {} as Tags,
  };
  let defaultResponseCallback: ExpectedStatuses | null = null;

  function now(): number {
    return host.now();
  }

  function baseTags(): Tags {
    const tags: Tags = {};
    for (const k of Object.keys(id.globalTags)) tags[k] = String(id.globalTags[k]);
    for (const k of Object.keys(current.scenarioTags)) tags[k] = String(current.scenarioTags[k]);
    for (const k of Object.keys(vuTags)) tags[k] = String(vuTags[k]);
    tags['group'] = groupPath;
    if (current.scenario !== '') tags['scenario'] = current.scenario;
    return tags;
  }

  function withUserTags(tags: Tags, user: unknown): Tags {
    if (user !== null && typeof user === 'object') {
      for (const [k, v] of Object.entries(user as Dict)) tags[k] = String(v);
    }
    return tags;
  }

  function emit(metric: string, value: number, tags: Tags, time?: number): void {
    samples.push([metric, value, tags, time ?? now()]);
  }

  function requireVuContext(what: string): void {
    if (host.isInitPhase()) throw new Error(`${what} can only be used inside a VU function, not in the init context`);
  }

  // ---------------------------------------------------------------- k6
  function check(val: unknown, sets: Dict, tags?: Dict): boolean {
    requireVuContext('check()');
    let all = true;
    for (const name of Object.keys(sets)) {
      const c = sets[name];
      const ok = typeof c === 'function' ? Boolean((c as (v: unknown) => unknown)(val)) : Boolean(c);
      const t = withUserTags(baseTags(), tags);
      t['check'] = name;
      emit('checks', ok ? 1 : 0, t);
      if (!ok) all = false;
    }
    return all;
  }

  function group<T>(name: string, fn: () => T): T {
    requireVuContext('group()');
    if (name.includes('::')) throw new Error(`group name "${name}" must not contain '::'`);
    const parent = groupPath;
    groupPath = `${parent}::${name}`;
    const start = now();
    try {
      return fn();
    } finally {
      emit('group_duration', now() - start, baseTags());
      groupPath = parent;
    }
  }

  function sleep(seconds: number): void {
    requireVuContext('sleep()');
    const ms = Number(seconds) * 1000;
    if (ms > 0) host.sleep(ms);
  }

  function fail(message?: string): never {
    throw new Error(message ?? 'fail() called');
  }

  const k6 = { check, group, sleep, fail, randomSeed: (_seed: number) => undefined };

  // ---------------------------------------------------------------- k6/metrics
  function makeMetricClass(type: 'counter' | 'gauge' | 'rate' | 'trend') {
    return class {
      name: string;
      constructor(name: string, isTime?: boolean) {
        if (!host.isInitPhase()) throw new Error(`metric "${name}" must be created in the init context`);
        const err = host.declareMetric(String(name), type, Boolean(isTime));
        if (err !== '') throw new Error(err);
        this.name = String(name);
      }
      add(value: number | boolean, tags?: Dict): boolean {
        requireVuContext(`${this.name}.add()`);
        const v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
        if (Number.isNaN(v)) throw new Error(`${this.name}.add(): value ${String(value)} is not a number`);
        emit(this.name, v, withUserTags(baseTags(), tags));
        return true;
      }
    };
  }
  const metrics = {
    Counter: makeMetricClass('counter'),
    Gauge: makeMetricClass('gauge'),
    Rate: makeMetricClass('rate'),
    Trend: makeMetricClass('trend'),
  };

  // ---------------------------------------------------------------- k6/data
  function deepFreeze<T>(o: T): T {
    if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
      Object.freeze(o);
      for (const v of Object.values(o as Dict)) deepFreeze(v);
    }
    return o;
  }
  class SharedArray {
    constructor(name: string, producer: () => unknown[]) {
      if (!host.isInitPhase()) throw new Error('SharedArray must be created in the init context');
      if (typeof producer !== 'function') throw new Error('SharedArray needs a function that returns an array');
      const cached = host.sharedArrayGet(String(name));
      let data: unknown;
      if (cached !== '') {
        data = JSON.parse(cached);
      } else {
        data = producer();
        if (!Array.isArray(data)) throw new Error(`SharedArray "${name}": the function must return an array`);
        host.sharedArrayPut(String(name), JSON.stringify(data));
        data = JSON.parse(JSON.stringify(data));
      }
      return deepFreeze(data) as SharedArray;
    }
  }
  const data = { SharedArray };

  // ---------------------------------------------------------------- k6/execution
  function execState(): Dict {
    return JSON.parse(host.executionState()) as Dict;
  }
  const execution = {
    get scenario() {
      requireVuContext('exec.scenario');
      return {
        name: current.scenario,
        executor: current.executor,
        startTime: current.scenarioStartTime,
        progress: Number(execState()['progress'] ?? 0),
        iterationInInstance: current.iterationInInstance,
        iterationInTest: current.iterationInTest,
      };
    },
    get instance() {
      const s = execState();
      return {
        iterationsInterrupted: Number(s['iterationsInterrupted']),
        iterationsCompleted: Number(s['iterationsCompleted']),
        vusActive: Number(s['vusActive']),
        vusInitialized: Number(s['vusInitialized']),
        currentTestRunDuration: Number(s['currentTestRunDuration']),
      };
    },
    test: {
      abort(reason?: string): never {
        const why = reason === undefined ? 'test aborted' : String(reason);
        host.abort(why);
        throw new ScriptAbort(why);
      },
      fail(message?: string): void {
        host.log('error', `exec.test.fail(): ${message ?? ''}`);
      },
      get options(): unknown {
        return JSON.parse(JSON.stringify(exportsRef.options ?? {}));
      },
    },
    vu: {
      get iterationInInstance() {
        return Math.max(current.vuIteration, 0);
      },
      get iterationInScenario() {
        return current.iterationInScenario;
      },
      get idInInstance() {
        return id.vuId;
      },
      get idInTest() {
        return id.idInTest;
      },
      tags: vuTags,
      metrics: { tags: vuTags, metadata: vuMetadata },
    },
  };

  // ---------------------------------------------------------------- k6/encoding (base64 with k6's variants)
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function bytesToB64(bytes: Uint8Array): string {
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const a = bytes[i] ?? 0;
      const b = bytes[i + 1] ?? 0;
      const c = bytes[i + 2] ?? 0;
      const n = (a << 16) | (b << 8) | c;
      out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
      out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
      out += i + 2 < bytes.length ? B64[n & 63]! : '=';
    }
    return out;
  }
  function b64ToBytes(b64: string): Uint8Array {
    const clean = b64.replace(/[^A-Za-z0-9+/]/g, '');
    const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
    let o = 0;
    for (let i = 0; i < clean.length; i += 4) {
      const n =
        (B64.indexOf(clean[i] ?? 'A') << 18) |
        (B64.indexOf(clean[i + 1] ?? 'A') << 12) |
        ((i + 2 < clean.length ? B64.indexOf(clean[i + 2]!) : 0) << 6) |
        (i + 3 < clean.length ? B64.indexOf(clean[i + 3]!) : 0);
      if (o < out.length) out[o++] = (n >> 16) & 255;
      if (i + 2 < clean.length && o < out.length) out[o++] = (n >> 8) & 255;
      if (i + 3 < clean.length && o < out.length) out[o++] = n & 255;
    }
    return out;
  }
  function toB64(input: unknown): string {
    if (typeof input === 'string') return host.utf8ToB64(input);
    if (input instanceof ArrayBuffer) return bytesToB64(new Uint8Array(input));
    if (ArrayBuffer.isView(input)) return bytesToB64(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
    throw new Error('expected a string or an ArrayBuffer');
  }
  function bufferFromB64(b64: string): ArrayBuffer {
    const bytes = b64ToBytes(b64);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  function b64encode(input: unknown, variant?: string): string {
    let s = toB64(input);
    if (variant === 'url' || variant === 'rawurl') s = s.replace(/\+/g, '-').replace(/\//g, '_');
    if (variant === 'rawstd' || variant === 'rawurl') s = s.replace(/=+$/, '');
    return s;
  }
  function b64decode(input: string, variant?: string, format?: string): ArrayBuffer | string {
    let s = String(input);
    if (variant === 'url' || variant === 'rawurl') s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4 !== 0) s += '=';
    return format === 's' ? host.b64ToUtf8(s) : bufferFromB64(s);
  }
  const encoding = { b64encode, b64decode };

  // ---------------------------------------------------------------- k6/crypto
  function digest(alg: string, input: unknown, encodingName: string, key?: unknown): string | ArrayBuffer {
    const enc = encodingName ?? 'binary';
    const out = host.digest(alg, toB64(input), key === undefined ? '' : toB64(key), enc === 'binary' ? 'base64' : enc);
    if (out.startsWith('!')) throw new Error(out.slice(1));
    return enc === 'binary' ? bufferFromB64(out) : out;
  }
  function hasher(alg: string, key?: unknown) {
    const parts: string[] = [];
    return {
      update(input: unknown) {
        parts.push(toB64(input));
      },
      digest(enc: string) {
        const all = parts.map((p) => b64ToBytes(p));
        const total = new Uint8Array(all.reduce((n, a) => n + a.length, 0));
        let o = 0;
        for (const a of all) {
          total.set(a, o);
          o += a.length;
        }
        return digest(alg, total, enc, key);
      },
    };
  }
  const crypto: Dict = {
    randomBytes: (size: number) => bufferFromB64(host.randomBytesB64(size)),
    hmac: (alg: string, secret: unknown, input: unknown, enc: string) => digest(alg, input, enc, secret),
    createHash: (alg: string) => hasher(alg),
    createHMAC: (alg: string, secret: unknown) => hasher(alg, secret),
  };
  for (const alg of ['md4', 'md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'ripemd160']) {
    crypto[alg] = (input: unknown, enc: string) => digest(alg, input, enc);
  }

  // ---------------------------------------------------------------- k6/http
  class ExpectedStatuses {
    ranges: { min: number; max: number }[];
    constructor(ranges: { min: number; max: number }[]) {
      this.ranges = ranges;
    }
    matches(status: number): boolean {
      return this.ranges.some((r) => status >= r.min && status <= r.max);
    }
  }
  function expectedStatuses(...args: unknown[]): ExpectedStatuses {
    const ranges = args.map((a) => {
      if (typeof a === 'number' && Number.isInteger(a)) return { min: a, max: a };
      if (a !== null && typeof a === 'object' && 'min' in a && 'max' in a) {
        return { min: Number((a as Dict)['min']), max: Number((a as Dict)['max']) };
      }
      throw new Error(`http.expectedStatuses: ${JSON.stringify(a)} is neither an integer nor {min, max}`);
    });
    return new ExpectedStatuses(ranges);
  }
  defaultResponseCallback = expectedStatuses({ min: 200, max: 399 });

  function setResponseCallback(cb: unknown): void {
    if (cb !== null && !(cb instanceof ExpectedStatuses)) {
      throw new Error('http.setResponseCallback only accepts http.expectedStatuses(...) or null (as in k6)');
    }
    defaultResponseCallback = cb as ExpectedStatuses | null;
  }

  function parseTimeout(t: unknown): number {
    if (t === undefined || t === null) return 60000;
    if (typeof t === 'number') return t;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(t).trim());
    if (!m) throw new Error(`invalid timeout "${String(t)}": use milliseconds or a duration like "10s"`);
    const n = Number(m[1]);
    const unit = m[2] ?? 'ms';
    return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60000 : 3600000);
  }

  interface UrlLike {
    url: string;
    name: string;
  }
  function urlTag(strings: TemplateStringsArray, ...args: unknown[]): UrlLike {
    let url = '';
    let name = '';
    strings.forEach((s, i) => {
      url += s;
      name += s;
      if (i < args.length) {
        url += String(args[i]);
        name += '${}';
      }
    });
    return { url, name };
  }

  interface PreparedRequest {
    spec: HttpRequestSpec;
    tags: Tags;
    callback: ExpectedStatuses | null;
    requestBody: unknown;
  }

  function prepare(method: string, urlIn: unknown, body: unknown, params: unknown): PreparedRequest {
    requireVuContext('http requests');
    const p = (params ?? {}) as Dict;
    let url: string;
    let nameTag: string | undefined;
    if (urlIn !== null && typeof urlIn === 'object' && 'url' in (urlIn as Dict)) {
      url = String((urlIn as UrlLike).url);
      nameTag = (urlIn as UrlLike).name;
    } else {
      url = String(urlIn);
    }
    const headers: Record<string, string> = {};
    if (p['headers'] && typeof p['headers'] === 'object') {
      for (const [k, v] of Object.entries(p['headers'] as Dict)) headers[k] = String(v);
    }
    let bodyText: string | null = null;
    let bodyIsB64 = false;
    if (body !== null && body !== undefined) {
      if (typeof body === 'string') bodyText = body;
      else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
        bodyText = toB64(body);
        bodyIsB64 = true;
      } else if (typeof body === 'object') {
        bodyText = Object.entries(body as Dict)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&');
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
        }
      } else bodyText = String(body);
    }
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent')) {
      headers['User-Agent'] = 'k6-node-engine/1.0 (compatible; k6)';
    }
    const tags = baseTags();
    tags['method'] = method;
    tags['url'] = url;
    tags['name'] = nameTag ?? url;
    withUserTags(tags, p['tags']);
    const callback =
      'responseCallback' in p ? (p['responseCallback'] as ExpectedStatuses | null) : defaultResponseCallback;
    if (callback !== null && !(callback instanceof ExpectedStatuses)) {
      throw new Error('params.responseCallback only accepts http.expectedStatuses(...) or null (as in k6)');
    }
    return {
      spec: {
        method,
        url,
        headers,
        body: bodyText,
        bodyIsB64,
        timeoutMs: parseTimeout(p['timeout']),
        // The I/O thread reads anything but 'binary' and 'none' as text.
        responseType: p['responseType'] === 'binary' || p['responseType'] === 'none' ? p['responseType'] : 'text',
      },
      tags,
      callback,
      requestBody: body,
    };
  }

  /** A request's result as the I/O thread sends it (JSON). */
  type WireResult = HttpResult;

  class Response {
    status: number;
    status_text: string;
    proto: string;
    headers: Record<string, string>;
    body: string | ArrayBuffer | null;
    url: string;
    remote_ip: string;
    remote_port: number;
    timings: HttpTimings;
    error: string;
    error_code: number;
    cookies: Dict;
    request: Dict;
    tls_version = '';
    tls_cipher_suite = '';
    ocsp = { status: 'unknown' };
    constructor(r: WireResult, prepared: PreparedRequest) {
      this.status = r.status;
      this.status_text = r.statusText;
      this.proto = r.proto;
      this.headers = r.headers;
      this.body = r.body === null ? null : r.bodyIsB64 ? bufferFromB64(r.body) : r.body;
      this.url = r.url;
      this.remote_ip = r.remoteIp;
      this.remote_port = r.remotePort;
      this.timings = r.timings;
      this.error = r.error;
      this.error_code = r.errorCode;
      this.cookies = {};
      this.request = {
        method: prepared.spec.method,
        url: prepared.spec.url,
        headers: prepared.spec.headers,
        body: prepared.spec.body ?? '',
        cookies: {},
      };
    }
    json(selector?: string): unknown {
      if (typeof this.body !== 'string') throw new Error('Response.json(): the body is not text (responseType?)');
      let v: unknown;
      try {
        v = JSON.parse(this.body);
      } catch (e) {
        throw new Error(`Response.json(): body is not valid JSON: ${(e as Error).message}`, { cause: e });
      }
      if (selector === undefined || selector === '') return v;
      for (const part of selector.split('.')) {
        if (v === null || typeof v !== 'object') return undefined;
        v = (v as Dict)[part];
      }
      return v;
    }
    html(): never {
      throw new Error('Response.html() is not supported by the node engine (see load/engine/README.md)');
    }
    clickLink(): never {
      throw new Error('Response.clickLink() is not supported by the node engine');
    }
    submitForm(): never {
      throw new Error('Response.submitForm() is not supported by the node engine');
    }
  }

  function record(prepared: PreparedRequest, r: WireResult): Response {
    const tags = prepared.tags;
    tags['proto'] = r.proto;
    tags['status'] = String(r.status);
    if (r.errorCode !== 0) {
      tags['error_code'] = String(r.errorCode);
      if (r.error !== '') tags['error'] = r.error;
    }
    let failed: boolean | null = null;
    if (prepared.callback !== null) {
      const expected = prepared.callback.matches(r.status);
      tags['expected_response'] = String(expected);
      failed = !expected;
    }
    const t = r.endTime;
    const tm = r.timings;
    emit('http_reqs', 1, tags, t);
    emit('http_req_duration', tm['duration'] ?? 0, tags, t);
    emit('http_req_blocked', tm['blocked'] ?? 0, tags, t);
    emit('http_req_connecting', tm['connecting'] ?? 0, tags, t);
    emit('http_req_tls_handshaking', tm['tls_handshaking'] ?? 0, tags, t);
    emit('http_req_sending', tm['sending'] ?? 0, tags, t);
    emit('http_req_waiting', tm['waiting'] ?? 0, tags, t);
    emit('http_req_receiving', tm['receiving'] ?? 0, tags, t);
    if (failed !== null) emit('http_req_failed', failed ? 1 : 0, tags, t);
    iterBytes.sent += r.bytesSent;
    iterBytes.received += r.bytesReceived;
    return new Response(r, prepared);
  }

  function send(prepared: PreparedRequest[]): Response[] {
    const out = JSON.parse(host.request(JSON.stringify(prepared.map((p) => p.spec)))) as WireResult[];
    return out.map((r, i) => record(prepared[i]!, r));
  }

  function request(method: string, url: unknown, body?: unknown, params?: unknown): Response {
    return send([prepare(String(method).toUpperCase(), url, body, params)])[0]!;
  }

  function batch(reqs: unknown): unknown {
    const entries: [string, unknown][] = Array.isArray(reqs)
      ? reqs.map((r, i) => [String(i), r])
      : Object.entries((reqs ?? {}) as Dict);
    const prepared = entries.map(([, r]) => {
      if (typeof r === 'string' || (r !== null && typeof r === 'object' && 'url' in r && !('method' in r))) {
        return prepare('GET', r, null, null);
      }
      if (Array.isArray(r)) return prepare(String(r[0]).toUpperCase(), r[1], r[2] ?? null, r[3] ?? null);
      const o = r as Dict;
      return prepare(String(o['method'] ?? 'GET').toUpperCase(), o['url'], o['body'] ?? null, o['params'] ?? null);
    });
    const responses = send(prepared);
    if (Array.isArray(reqs)) return responses;
    const out: Dict = {};
    entries.forEach(([k], i) => (out[k] = responses[i]));
    return out;
  }

  const http = {
    request,
    get: (url: unknown, params?: unknown) => request('GET', url, null, params),
    head: (url: unknown, params?: unknown) => request('HEAD', url, null, params),
    post: (url: unknown, body?: unknown, params?: unknown) => request('POST', url, body, params),
    put: (url: unknown, body?: unknown, params?: unknown) => request('PUT', url, body, params),
    patch: (url: unknown, body?: unknown, params?: unknown) => request('PATCH', url, body, params),
    del: (url: unknown, body?: unknown, params?: unknown) => request('DELETE', url, body, params),
    options: (url: unknown, body?: unknown, params?: unknown) => request('OPTIONS', url, body, params),
    batch,
    url: urlTag,
    expectedStatuses,
    setResponseCallback,
    asyncRequest: (method: string, url: unknown, body?: unknown, params?: unknown) =>
      Promise.resolve(request(method, url, body, params)),
    file: (data: unknown, filename?: string, contentType?: string) => ({ data, filename, content_type: contentType }),
    cookieJar: () => {
      throw new Error('http.cookieJar() is not supported by the node engine');
    },
  };

  // ---------------------------------------------------------------- modules and globals
  function asModule(o: object): Dict {
    // Copy descriptors, not values: k6/execution's members are live getters.
    const m = Object.defineProperties({}, Object.getOwnPropertyDescriptors(o)) as Dict;
    m['default'] = o;
    m['__esModule'] = true;
    return Object.freeze(m);
  }
  const modules: Record<string, Dict> = {
    k6: asModule(k6),
    'k6/http': asModule(http),
    'k6/metrics': asModule(metrics),
    'k6/data': asModule(data),
    'k6/execution': asModule(execution),
    'k6/encoding': asModule(encoding),
    'k6/crypto': asModule(crypto),
  };
  function requireModule(name: string): Dict {
    const m = modules[name];
    if (!m) throw new Error(`unsupported import "${name}": allowed are ${ALLOWED_MODULES.join(', ')}`);
    return m;
  }

  function open(path: string, mode?: string): string | ArrayBuffer {
    if (!host.isInitPhase()) {
      throw new Error(`open("${path}") can only be called in the init context (top level of the script), as in k6`);
    }
    const binary = mode === 'b';
    const r = JSON.parse(host.open(String(path), binary)) as { v?: string; e?: string };
    if (r.e !== undefined) throw new Error(r.e);
    return binary ? bufferFromB64(r.v ?? '') : (r.v ?? '');
  }

  function format(args: unknown[]): string {
    return args
      .map((a) => {
        if (typeof a === 'string') return a;
        if (a instanceof Error) return a.message;
        try {
          return JSON.stringify(a);
        } catch {
          return String(a);
        }
      })
      .join(' ');
  }
  const console = {
    log: (...a: unknown[]) => host.log('info', format(a)),
    info: (...a: unknown[]) => host.log('info', format(a)),
    debug: (...a: unknown[]) => host.log('debug', format(a)),
    warn: (...a: unknown[]) => host.log('warn', format(a)),
    error: (...a: unknown[]) => host.log('error', format(a)),
  };

  const g = globalThis as unknown as Dict;
  g['console'] = console;
  g['open'] = open;
  g['__ENV'] = { ...id.env };
  g['__VU'] = id.vuId;
  g['__ITER'] = 0;

  let exportsRef: Dict = {};

  /** `where`: the exported function the error escaped from (V8 gives a thrown non-Error value no stack at all). */
  function errorText(e: unknown, where: string): string {
    if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
    return `Uncaught (in promise) ${format([e])}\n\tat ${where} (a thrown ${typeof e} has no stack trace: throw new Error(...) to see the file and line)`;
  }

  function finishIteration(start: number, error: string | null, aborted: string | null) {
    const end = now();
    const tags = baseTags();
    if (iterBytes.sent > 0) emit('data_sent', iterBytes.sent, tags, end);
    if (iterBytes.received > 0) emit('data_received', iterBytes.received, tags, end);
    if (aborted === null) {
      emit('iterations', 1, tags, end);
      emit('iteration_duration', end - start, tags, end);
    }
    const out = { samples, error, aborted, durationMs: end - start };
    samples = [];
    iterBytes = { sent: 0, received: 0 };
    groupPath = '';
    return out;
  }

  type IterationOutcome = ReturnType<typeof finishIteration>;

  /** Runs fn, resolving async results; calls back with the outcome (sync when the function is sync). */
  function runGuarded(
    fn: () => unknown,
    where: string,
    start: number,
    done: (o: IterationOutcome, value: unknown) => void,
  ): void {
    let value: unknown;
    try {
      value = fn();
    } catch (e) {
      if (e instanceof ScriptAbort) return done(finishIteration(start, null, e.message), undefined);
      return done(finishIteration(start, errorText(e, where), null), undefined);
    }
    if (value !== null && typeof value === 'object' && typeof (value as Dict)['then'] === 'function') {
      (value as Promise<unknown>).then(
        (v) => done(finishIteration(start, null, null), v),
        (e: unknown) =>
          e instanceof ScriptAbort
            ? done(finishIteration(start, null, e.message), undefined)
            : done(finishIteration(start, errorText(e, where), null), undefined),
      );
      return;
    }
    done(finishIteration(start, null, null), value);
  }

  return {
    require: requireModule,
    /**
     * Makes warm-up requests (answered by the I/O thread itself, see WARM_UP_METHOD) through the engine's whole
     * request path, off the clock and off the network, so the first iterations of a fresh VU do not run in V8's
     * interpreter: cold VUs are why arrival-rate tests started slow. The script is not called; samples are dropped.
     */
    warmUp(rounds: number): void {
      for (let i = 0; i < rounds; i++) {
        const prepared = [prepare(WARM_UP_METHOD, 'http://127.0.0.1/', null, { tags: { name: 'warm-up' } })];
        for (const res of send(prepared)) res.json();
        finishIteration(now(), null, null);
      }
    },
    setExports(e: Dict) {
      exportsRef = e;
    },
    exportNames(): string[] {
      return Object.keys(exportsRef).filter((k) => k !== '__esModule');
    },
    optionsJson(): string {
      return JSON.stringify(exportsRef.options ?? {});
    },
    setSetupData(json: string) {
      setupData = json === '' ? undefined : JSON.parse(json);
    },
    iterate(
      order: {
        exec: string;
        scenario: string;
        executor: string;
        scenarioStartTime: number;
        iterationInScenario: number;
        iterationInInstance: number;
        iterationInTest: number;
        scenarioTags: Tags;
        scenarioEnv: Tags;
      },
      done: (o: IterationOutcome) => void,
    ): void {
      current.scenario = String(order.scenario);
      current.executor = String(order.executor);
      current.scenarioStartTime = Number(order.scenarioStartTime);
      current.iterationInScenario = Number(order.iterationInScenario);
      current.iterationInInstance = Number(order.iterationInInstance);
      current.iterationInTest = Number(order.iterationInTest);
      current.scenarioTags = { ...order.scenarioTags };
      current.vuIteration++;
      g['__ITER'] = current.vuIteration;
      const env = g['__ENV'] as Dict;
      for (const [k, v] of Object.entries(order.scenarioEnv)) env[k] = String(v);
      const fn = exportsRef[order.exec];
      const start = now();
      if (typeof fn !== 'function') {
        done(finishIteration(start, `exported function "${order.exec}" not found in the script`, null));
        return;
      }
      runGuarded(
        () => (fn as (d: unknown) => unknown)(setupData),
        String(order.exec),
        start,
        (o) => done(o),
      );
    },
    /** setup / teardown / handleSummary: result is JSON text ('' for undefined). */
    lifecycle(
      name: string,
      argJson: string,
      done: (o: { result: string | null; error: string | null; aborted: string | null; samples: RawSample[] }) => void,
    ): void {
      const fn = exportsRef[name];
      current.scenario = '';
      if (typeof fn !== 'function') return done({ result: null, error: null, aborted: null, samples: [] });
      const arg = argJson === '' ? undefined : JSON.parse(argJson);
      runGuarded(
        () => (fn as (d: unknown) => unknown)(arg),
        name,
        now(),
        (o, value) => {
          let result: string | null = null;
          if (o.error === null && o.aborted === null) {
            try {
              result = value === undefined ? '' : JSON.stringify(value);
            } catch (e) {
              return done({
                result: null,
                error: `${name}() returned data that is not JSON-serialisable: ${(e as Error).message}`,
                aborted: null,
                samples: o.samples.filter((s) => s[0] !== 'iterations' && s[0] !== 'iteration_duration'),
              });
            }
          }
          done({
            result,
            error: o.error,
            aborted: o.aborted,
            samples: o.samples.filter((s) => s[0] !== 'iterations' && s[0] !== 'iteration_duration'),
          });
        },
      );
    },
  };
}

(globalThis as unknown as Record<string, unknown>)['__k6RuntimeFactory'] = createRuntime;
