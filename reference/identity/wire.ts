// The identity service's wire protocol (internal): newline-delimited JSON frames over one or a few persistent loopback
// TCP connections, each frame carrying a request id so many logins share a connection (multiplexed, answered in any
// order). It replaces HTTP on this internal hop because, on two cores busy with argon2id, every login paid for two
// HTTP parses, a Request/Response object graph and their wake-ups (see README, Benchmark).
//   request:  {"id":7,"op":"authenticate","request":{"identifier":…,"password":…,"device":{…}}}
//             {"id":8,"op":"health"}
//   answer:   {"id":7,"result":{…AuthenticateResult…}}   or   {"id":7,"error":"bad_request"}
// JSON.stringify never emits a raw newline, so a newline always ends a frame.
import type { AuthenticateRequest, AuthenticateResult } from './service.ts';

/** The scheme of an identity address: `tcp://127.0.0.1:PORT`. */
export const IDENTITY_SCHEME = 'tcp:';
/** A frame (without its newline) longer than this is a protocol violation: the connection is closed. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface Health {
  readonly ok: true;
  readonly accounts: number;
  readonly sessions: number;
}

export type RequestFrame =
  | { readonly id: number; readonly op: 'authenticate'; readonly request: AuthenticateRequest }
  | { readonly id: number; readonly op: 'health' };

export type AnswerFrame =
  | { readonly id: number; readonly result: AuthenticateResult | Health }
  | { readonly id: number; readonly error: string };

export function identityAddress(port: number): string {
  return `tcp://127.0.0.1:${port}`;
}

/**
 * Split a byte stream into frames. Returns a function to feed chunks to; it calls `onFrame` with each complete frame
 * (as text), and returns false once the unterminated tail exceeds MAX_FRAME_BYTES (the caller then drops the
 * connection).
 */
export function frameSplitter(onFrame: (text: string) => void): (chunk: Buffer) => boolean {
  let pending: Buffer | undefined;
  return (chunk) => {
    let data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    pending = undefined;
    let start = 0;
    let newline;
    while ((newline = data.indexOf(10, start)) !== -1) {
      onFrame(data.toString('utf8', start, newline));
      start = newline + 1;
    }
    if (start < data.length) {
      data = data.subarray(start);
      if (data.length > MAX_FRAME_BYTES) return false;
      pending = Buffer.from(data); // a copy: the socket may reuse its buffer
    }
    return true;
  };
}

/** Frame validation shared by both ends: anything off-shape is undefined (never thrown). */
export function parseRequestFrame(
  text: string,
): RequestFrame | { readonly id: number; readonly bad: true } | undefined {
  const value = parseObject(text);
  if (value === undefined || !Number.isSafeInteger(value.id)) return undefined;
  const id = value.id as number;
  if (value.op === 'health') return { id, op: 'health' };
  if (value.op !== 'authenticate') return { id, bad: true };
  const request = authenticateRequest(value.request);
  return request === undefined ? { id, bad: true } : { id, op: 'authenticate', request };
}

export function parseAnswerFrame(text: string): AnswerFrame | undefined {
  const value = parseObject(text);
  if (value === undefined || !Number.isSafeInteger(value.id)) return undefined;
  const id = value.id as number;
  if (typeof value.error === 'string') return { id, error: value.error };
  if (typeof value.result !== 'object' || value.result === null) return undefined;
  return { id, result: value.result as AuthenticateResult | Health };
}

/** An authenticate result as the API may trust it; anything else is undefined. */
export function authenticateResult(value: unknown): AuthenticateResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<Record<string, unknown>>;
  if (v.ok === true && isObject(v.identity) && isObject(v.session)) return value as AuthenticateResult;
  if (v.ok === false && (v.reason === 'unknown-identifier' || v.reason === 'wrong-password')) {
    return value as AuthenticateResult;
  }
  return undefined;
}

function authenticateRequest(value: unknown): AuthenticateRequest | undefined {
  if (!isObject(value)) return undefined;
  const { identifier, password, device } = value;
  if (typeof identifier !== 'string' || typeof password !== 'string' || !isObject(device)) return undefined;
  const { ip_address, user_agent } = device;
  if (typeof ip_address !== 'string' || typeof user_agent !== 'string') return undefined;
  return { identifier, password, device: { ip_address, user_agent } };
}

function parseObject(text: string): Partial<Record<string, unknown>> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Partial<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
