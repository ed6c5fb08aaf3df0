// The HostApi calls that do the same work in both engine designs (a VU's worker thread, or a host thread serving many
// QuickJS VUs): files for open(), metric declarations, hashing and encoding through node:crypto, the live execution
// state and the clock. The blocking calls (request, sleep) and the ones that talk to main (flush, log, abort) belong
// to each design.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { STATE } from '../execution-state.ts';
import type { HostApi, MetricDeclaration } from './host-api.ts';

type SharedCalls = Pick<
  HostApi,
  | 'open'
  | 'declareMetric'
  | 'sharedArrayGet'
  | 'sharedArrayPut'
  | 'digest'
  | 'randomBytesB64'
  | 'utf8ToB64'
  | 'b64ToUtf8'
  | 'executionState'
  | 'now'
>;

export interface NodeHostSettings {
  scriptPath: string;
  testStartTime: number;
  /** Live execution state written by main: [vusActive, vusInitialized, iterationsCompleted, iterationsInterrupted]. */
  state: Int32Array;
  /** SharedArray JSON by name, shared by the VUs of one thread (filled by the first VU that builds each). */
  sharedArrays: Record<string, string>;
  /** Metrics declared so far (the init context reports them to main). */
  declared: MetricDeclaration[];
}

const DIGESTS: Record<string, string> = {
  md4: 'md4',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};

// performance.timeOrigin is a getter with a cost; it never changes.
const timeOrigin = performance.timeOrigin;

export function nodeHostCalls(s: NodeHostSettings): SharedCalls {
  return {
    open(path, binary) {
      const base = dirname(s.scriptPath);
      const full = isAbsolute(path) ? path : resolve(base, path);
      try {
        const buf = readFileSync(full);
        return JSON.stringify({ v: binary ? buf.toString('base64') : buf.toString('utf8') });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'error';
        return JSON.stringify({ e: `open("${path}"): cannot read ${full} (${code})` });
      }
    },
    declareMetric(name, type, isTime) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/.test(name)) {
        return `invalid metric name "${name}": use letters, digits and underscores, starting with a letter or _`;
      }
      const contains = isTime && type === 'trend' ? 'time' : 'default';
      const existing = s.declared.find((d) => d.name === name);
      if (existing && existing.type !== type) return `metric "${name}" is already declared as a ${existing.type}`;
      if (!existing) s.declared.push({ name, type: type as MetricDeclaration['type'], contains });
      return '';
    },
    sharedArrayGet(name) {
      return s.sharedArrays[name] ?? '';
    },
    sharedArrayPut(name, json) {
      s.sharedArrays[name] = json;
    },
    digest(algorithm, dataB64, keyB64, encoding) {
      const alg = DIGESTS[algorithm] ?? algorithm;
      try {
        const data = Buffer.from(dataB64, 'base64');
        const h = keyB64 === '' ? createHash(alg) : createHmac(alg, Buffer.from(keyB64, 'base64'));
        h.update(data);
        const enc = encoding === 'base64url' || encoding === 'base64rawurl' ? 'base64url' : encoding;
        if (enc !== 'hex' && enc !== 'base64' && enc !== 'base64url')
          return `!unsupported output encoding "${encoding}"`;
        return h.digest(enc);
      } catch (e) {
        return `!${algorithm}: ${(e as Error).message}`;
      }
    },
    randomBytesB64(size) {
      return randomBytes(size).toString('base64');
    },
    utf8ToB64(text) {
      return Buffer.from(text, 'utf8').toString('base64');
    },
    b64ToUtf8(b64) {
      return Buffer.from(b64, 'base64').toString('utf8');
    },
    executionState() {
      return JSON.stringify({
        vusActive: Atomics.load(s.state, STATE.VUS_ACTIVE),
        vusInitialized: Atomics.load(s.state, STATE.VUS_INITIALIZED),
        iterationsCompleted: Atomics.load(s.state, STATE.COMPLETED),
        iterationsInterrupted: Atomics.load(s.state, STATE.INTERRUPTED),
        currentTestRunDuration: Date.now() - s.testStartTime,
      });
    },
    now() {
      return timeOrigin + performance.now();
    },
  };
}
