// The narrow bridge between a VU's sandbox (vm context) and its worker thread. Every host function takes and returns
// primitives or plain data only, so no object of the worker's realm (and through it `process` or `require`) ever
// reaches script code.

/** One metric sample as the sandbox emits it: [metric, value, tags, time in ms since epoch]. */
export type RawSample = [string, number, Record<string, string>, number];

export interface MetricDeclaration {
  name: string;
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains: 'default' | 'time' | 'data';
}

export interface HostApi {
  /** JSON-encoded HttpRequestSpec[] in, JSON-encoded HttpResult[] out (blocks the VU thread). */
  request(specJson: string): string;
  sleep(ms: number): void;
  /** Returns JSON `{"v": text-or-base64}` or `{"e": message}`. */
  open(path: string, binary: boolean): string;
  flush(samples: RawSample[]): void;
  declareMetric(name: string, type: string, isTime: boolean): string;
  abort(reason: string): void;
  log(level: string, text: string): void;
  /** Cached SharedArray JSON by name, or '' when this VU must build it. */
  sharedArrayGet(name: string): string;
  sharedArrayPut(name: string, json: string): void;
  /** Hashing and encoding through node:crypto; binary data crosses as base64 text. */
  digest(algorithm: string, dataB64: string, keyB64: string, encoding: string): string;
  randomBytesB64(size: number): string;
  utf8ToB64(text: string): string;
  b64ToUtf8(b64: string): string;
  /** JSON of the live execution state (instance counters, test run duration). */
  executionState(): string;
  isInitPhase(): boolean;
  /** High-resolution wall clock in ms since epoch (the sandbox has no performance.now). */
  now(): number;
  /** Source of the HTML bundle (vu/html/), fetched once per VU on its first res.html() / parseHTML(). Optional:
   * a host without it makes those calls fail with one line (vu/html/loader.ts). */
  htmlModuleSource?(): string;
}
