// Self-test mode: one reference process serves the healthy service and every catalog defect side by side, each under
// its own base-URL path prefix, so the contract self-test starts its services once instead of once per defect:
//   <origin>/__defect/<name>/api/auth/login         the reference as `--defect <name>` would serve it
//   <origin>/__defect/<name>/fault/api/auth/login   the same defect with a dead identity upstream (the 502 target)
// `<name>` is `healthy` for no defect. Each target is its own app (own defect state, own signing key); a target's
// identity service is the one `--defect <name>` would start: defects with identity faults get their own identity
// process, all others share one healthy identity process.
import type { App, AppRequest } from './app.ts';
import type { Defect } from './defects.ts';
import type { HashCost } from './hashing.ts';
import type { AppResponse } from './reply.ts';
import { authError, serialize } from './reply.ts';
import { flags, spawnService } from './launch.ts';

// The accounts every target serves: the self-test points the suite at them (its probe account takes the failed logins).
export { MAIN_ACCOUNT, PROBE_ACCOUNT } from './accounts.ts';

export const HEALTHY = 'healthy';
export const DEFECT_PREFIX = '/__defect/';
const FAULT_SEGMENT = '/fault';

/** Base URL (for AUTH_BASE_URL-like use) of one target of a multiplexing reference at `origin`. */
export function targetBaseUrl(origin: string, name: string): string {
  return `${origin.replace(/\/$/, '')}${DEFECT_PREFIX}${name}`;
}

/** Base URL of the same target behind a dead identity upstream. */
export function faultBaseUrl(origin: string, name: string): string {
  return `${targetBaseUrl(origin, name)}${FAULT_SEGMENT}`;
}

export interface Target {
  /** `healthy` or a defect name. */
  readonly name: string;
  readonly defect: Defect | undefined;
  /** Which identity service it uses: `healthy`, or the defect's own name when the defect has identity faults. */
  readonly identity: string;
}

/** The targets a multiplexing reference serves, and the identity services they need (healthy first). */
export function multiplexPlan(defects: readonly Defect[]): { targets: Target[]; identities: string[] } {
  const targets: Target[] = [
    { name: HEALTHY, defect: undefined, identity: HEALTHY },
    ...defects.map((d) => ({ name: d.name, defect: d, identity: d.identity ? d.name : HEALTHY })),
  ];
  return { targets, identities: [...new Set(targets.map((t) => t.identity))] };
}

export interface TargetApps {
  readonly main: App;
  readonly fault: App;
}

/**
 * An app that routes by prefix: the target's app sees the request exactly as a stand-alone reference would (the
 * prefix stripped, the query kept). Anything outside a known target's prefix is a 404, so a client that forgot the
 * prefix fails loudly instead of testing some other target.
 */
export function createMultiplexApp(apps: ReadonlyMap<string, TargetApps>): App {
  return {
    handle(request: AppRequest): Promise<AppResponse> {
      const route = routeOf(request.url);
      const target = route === undefined ? undefined : apps.get(route.name);
      if (route === undefined || target === undefined) {
        const message = `No such target: use ${DEFECT_PREFIX}<${HEALTHY}|defect name>[/fault] before the login path.`;
        return Promise.resolve(serialize(authError(404, 'not_found', message)));
      }
      return (route.fault ? target.fault : target.main).handle({ ...request, url: route.rest });
    },
  };
}

/** `/__defect/<name>[/fault]<rest>` -> its parts; undefined for any other path. */
export function routeOf(url: string): { name: string; fault: boolean; rest: string } | undefined {
  if (!url.startsWith(DEFECT_PREFIX)) return undefined;
  const afterPrefix = url.slice(DEFECT_PREFIX.length);
  const match = /^([a-z0-9-]+)(\/fault(?=[/?]|$))?(.*)$/s.exec(afterPrefix);
  if (match === null) return undefined;
  const rest = match[3] ?? '';
  return { name: match[1]!, fault: match[2] !== undefined, rest: rest.startsWith('/') ? rest : `/${rest}` };
}

export interface RunningMultiplexReference {
  /** The server's origin; targets live under targetBaseUrl(origin, name). */
  readonly origin: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Spawns reference/multiplex-server.ts (own process group; stop() ends it and its identity services). */
export async function startMultiplexReference(
  o: { hashCost?: HashCost; loadAccounts?: number; startTimeoutMs?: number; onLog?: (line: string) => void } = {},
): Promise<RunningMultiplexReference> {
  const args = flags({ 'hash-cost': o.hashCost, 'load-accounts': o.loadAccounts });
  const child = await spawnService('reference/multiplex-server.ts', 'reference', args, o);
  return { origin: child.url, pid: child.pid, stop: child.stop };
}
