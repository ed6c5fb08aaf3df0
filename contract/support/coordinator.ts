// One coordinator per contract run, so that rules about the target hold across all Playwright workers (separate
// processes), not just within each:
// - pacing: CONTRACT_MAX_RPS is one budget for the whole run — each request waits for its slot, evenly spaced;
// - account guard: failed logins against one real account are serialised, with the count of consecutive failures the
//   suite caused, so no account sees more than a few in a row (identity providers lock after 5–10).
// The global setup serves it on loopback and passes its URL to workers (CONTRACT_COORDINATOR_URL). Without it (the
// self-test, which has no global setup) each process coordinates itself: still correct within a worker.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lease older than this is released for the holder: a crashed worker must not freeze the others. */
const leaseMs = 60_000;

export interface Coordination {
  /** Resolves when this request may be sent (at once when the run is not paced). */
  slot(): Promise<void>;
  /**
   * Runs `work` while holding `key` (one account on one target) exclusively. `failures` is the count of consecutive
   * failed logins the suite caused on it so far (undefined: not known yet in this run); `work` returns the new count.
   */
  withAccount<T>(
    key: string,
    work: (failures: number | undefined) => Promise<{ value: T; failures: number }>,
  ): Promise<T>;
}

/** In-process coordination: the same rules, for one process. */
export function localCoordination(maxRps: number | undefined): Coordination {
  const pace = pacer(maxRps);
  const locks = new Map<string, Promise<unknown>>();
  const counts = new Map<string, number>();
  return {
    slot: () => sleep(pace()),
    async withAccount(key, work) {
      const previous = locks.get(key) ?? Promise.resolve();
      const turn = previous.then(async () => {
        const known = counts.get(key);
        counts.delete(key); // unknown until `work` reports, as in the remote coordinator
        const { value, failures } = await work(known);
        counts.set(key, failures);
        return value;
      });
      locks.set(
        key,
        turn.catch(() => undefined),
      );
      return turn;
    },
  };
}

/** Evenly spaced slots at `maxRps`: returns how long the caller waits for its slot. */
function pacer(maxRps: number | undefined): () => number {
  if (maxRps === undefined) return () => 0;
  const intervalMs = 1000 / maxRps;
  let next = 0;
  return () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + intervalMs;
    return at - now;
  };
}

export interface RunningCoordinator {
  readonly url: string;
  stop(): Promise<void>;
}

/** The run's coordinator on a free loopback port (routes: POST /slot, /lock?key=, /unlock?key=&failures=). */
export async function startCoordinator(maxRps: number | undefined): Promise<RunningCoordinator> {
  const pace = pacer(maxRps);
  const counts = new Map<string, number>();
  const queues = new Map<string, (() => void)[]>();
  const held = new Map<string, NodeJS.Timeout>();

  const grant = (key: string): void => {
    const next = queues.get(key)?.shift();
    if (next === undefined) {
      held.delete(key);
      return;
    }
    held.set(
      key,
      setTimeout(() => grant(key), leaseMs),
    );
    next();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://coordinator');
    const key = url.searchParams.get('key') ?? '';
    req.resume();
    if (url.pathname === '/slot') {
      setTimeout(() => res.end(), pace());
    } else if (url.pathname === '/lock' && key !== '') {
      const reply = (): void => void res.end(JSON.stringify({ failures: counts.get(key) ?? null }));
      const queue = queues.get(key) ?? [];
      queues.set(key, queue);
      queue.push(reply);
      if (!held.has(key)) grant(key);
    } else if (url.pathname === '/unlock' && key !== '') {
      const failures = Number(url.searchParams.get('failures'));
      // No count (the holder's work failed) = unknown again: the next failed login resets the account first.
      if (url.searchParams.has('failures') && Number.isInteger(failures) && failures >= 0) counts.set(key, failures);
      else counts.delete(key);
      clearTimeout(held.get(key));
      grant(key);
      res.end();
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const timer of held.values()) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Coordination through the run's coordinator at `url`. */
export function remoteCoordination(url: string): Coordination {
  const agent = new Agent({ keepAlive: true });
  const post = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request(`${url}${path}`, { method: 'POST', agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`coordinator ${path}: ${res.statusCode}`)),
        );
      });
      req.on('error', (error) => reject(new Error(`the contract run's coordinator is gone: ${error.message}`)));
      req.end();
    });
  return {
    slot: async () => {
      await post('/slot');
    },
    async withAccount(key, work) {
      const k = encodeURIComponent(key);
      const { failures } = JSON.parse(await post(`/lock?key=${k}`)) as { failures: number | null };
      let after: number | undefined;
      try {
        const outcome = await work(failures ?? undefined);
        after = outcome.failures;
        return outcome.value;
      } finally {
        // A failed `work` leaves the count unknown: the next attempt resets the account first.
        await post(`/unlock?key=${k}${after === undefined ? '' : `&failures=${after}`}`);
      }
    },
  };
}
