// Nobody sends a stress profile to production by accident: a load run only targets loopback, or a host that
// ALLOW_REMOTE_LOAD names explicitly. Pure (k6 has no URL class), shared by the k6 script and the Node CLI.
import { LoadInputError } from './input-error.ts';

export interface TargetUrl {
  readonly baseUrl: string;
  readonly host: string;
}

/** Parses an http(s) base URL without credentials, query or fragment; returns it without trailing slash. */
export function parseTargetUrl(raw: string | undefined, name = 'AUTH_BASE_URL'): TargetUrl {
  const value = (raw ?? '').trim();
  if (value === '') {
    throw new LoadInputError(
      `${name} is not set: run through \`npm run load\`, or pass -e ${name}=http://127.0.0.1:PORT`,
    );
  }
  const match = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[^/?#@:\s[\]]+)(?::(\d{1,5}))?(\/[^?#\s]*)?$/.exec(value);
  if (match === null || match[2] === undefined) {
    throw new LoadInputError(
      `${name}="${value}" is not a plain http(s) base URL (no credentials, query or fragment), e.g. http://127.0.0.1:8080`,
    );
  }
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new LoadInputError(`${name}="${value}" has an invalid port ${match[3]}`);
  }
  return { baseUrl: value.replace(/\/+$/, ''), host: match[2].toLowerCase() };
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  return octets !== null && octets[1] === '127' && octets.slice(2).every((o) => Number(o) <= 255);
}

export function parseAllowList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

/** Throws unless the target is loopback or its host is named in ALLOW_REMOTE_LOAD. */
export function assertLoadAllowed(target: TargetUrl, allowRemote: readonly string[]): void {
  if (isLoopbackHost(target.host) || allowRemote.includes(target.host)) return;
  throw new LoadInputError(
    `refusing to load ${target.host}: it is not loopback; if you really mean to load it, set ALLOW_REMOTE_LOAD=${target.host}`,
  );
}
