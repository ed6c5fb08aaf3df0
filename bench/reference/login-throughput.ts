// `npm run bench:reference [-- --seconds S --rounds R --concurrency C]`: logins/s through the HTTP API (reference +
// identity processes, OWASP argon2id) against raw argon2id verifications/s in this process, same machine, same run.
// Phases alternate (raw, login / login, raw, ...) so background load on a shared machine hits both alike; the
// figures are medians over rounds. Printed, never asserted: the target ratio is >= 0.9.
// The logins are sent by autocannon, a lean HTTP/1.1 load generator: the client shares the cores with argon2id, and
// a general-purpose client (undici) spent 2-3 times more CPU per login, which the ratio would wrongly charge to the
// service. Each login phase sends a fixed number of logins and waits for all of them, as the raw phase waits for its
// last verifications, so neither side loses in-flight work at the end of a phase.
// Both sides run at the same concurrency, by default twice libuv's thread-pool size (the threads argon2id runs on):
// a throughput figure is a capacity only if the offered load saturates what it measures. The raw side keeps the
// hashing threads busy with one job per thread, since it hands the next job over within microseconds; a login spends
// part of its life in transit (client -> API -> identity and back) during which it holds no hashing thread, so by
// Little's law the HTTP side needs the thread count plus the logins in transit. Each phase prints the share of the
// machine left idle, so an under-fed phase shows.
import { availableParallelism, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { loadAccounts } from '../../reference/accounts.ts';
import { hashPassword, HASH_PARAMS, verifyPassword } from '../../reference/hashing.ts';
import { startReference } from '../../reference/launch.ts';
import { cpuMs, machineShares, machineTicks, processFamily } from './process-cpu.ts';
import { parseFlags, UsageError } from '../../reference/options.ts';

const FLAGS = { seconds: {}, rounds: {}, concurrency: {}, accounts: {} } as const;

function positive(raw: ReturnType<typeof parseFlags>, name: string, fallback: number, max: number): number {
  const entry = raw.get(name);
  if (!entry) return fallback;
  const n = Number(entry.value);
  if (!/^\d+(\.\d+)?$/.test(entry.value) || n <= 0 || n > max) {
    throw new UsageError(`${entry.source}="${entry.value}" must be a number above 0 and at most ${max}`);
  }
  return n;
}

interface Phase {
  readonly ops: number;
  /** CPU ms per op: this process, and (login phases) the reference and identity processes. */
  cpu?: { self: number; reference?: number; identity?: number };
  readonly errors: number;
  readonly seconds: number;
  /** The machine's CPU ticks at the end of the work (login phases: at the last response). */
  readonly endTicks?: ReturnType<typeof machineTicks>;
  /** Shares of the machine's CPU left idle, and stolen by the hypervisor, during the phase. */
  machine?: { idle: number; steal: number } | undefined;
}

/** libuv's thread-pool size: the number of argon2id hashes that can run at once in one process. */
const THREAD_POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/** Run `op` with `concurrency` workers until `seconds` have passed; count completions. */
async function saturate(seconds: number, concurrency: number, op: () => Promise<boolean>): Promise<Phase> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let ops = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        if (await op()) ops += 1;
        else errors += 1;
      }
    }),
  );
  return { ops, errors, seconds: (performance.now() - started) / 1000 };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (n: number): string => n.toFixed(1).padStart(8);
const percent = (share: number | undefined): string => (share === undefined ? 'n/a' : `${(100 * share).toFixed(1)} %`);

/** The benchmark; flags as parsed by reference/options.ts (node:util parseArgs). Entry: cli/bench-reference.ts. */
export async function runReferenceBench(argv: readonly string[]): Promise<void> {
  const raw = parseFlags(argv, FLAGS, {});
  const seconds = positive(raw, 'seconds', 2, 60);
  const rounds = Math.round(positive(raw, 'rounds', 5, 20));
  const concurrency = Math.round(
    positive(raw, 'concurrency', Math.max(2 * THREAD_POOL_SIZE, 2 * availableParallelism()), 256),
  );
  const accountCount = Math.round(positive(raw, 'accounts', 32, 9999));
  const p = HASH_PARAMS.owasp;

  console.log(`bench:reference — argon2id m=${p.memoryCost} KiB t=${p.timeCost} p=${p.parallelism} (OWASP)`);
  console.log(
    `cores ${availableParallelism()}, concurrency ${concurrency}, ${rounds} rounds x ${seconds} s per phase, ` +
      `load average at start ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );

  const started = performance.now();
  const ref = await startReference({ hashCost: 'owasp', loadAccounts: accountCount });
  console.log(`reference started in ${((performance.now() - started) / 1000).toFixed(1)} s at ${ref.baseUrl}`);
  const requests = loadAccounts(accountCount).map((account) => ({
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  }));
  // The phase ends at the last response: autocannon notices that it is done only on its next one-second tick, so
  // timing the whole call would add up to a second of idle time to every phase.
  const logins = (amount: number): Promise<Phase> =>
    new Promise((resolve, reject) => {
      const begun = performance.now();
      let last = begun;
      let answered = 0;
      let endTicks: ReturnType<typeof machineTicks>;
      autocannon({ url: ref.baseUrl, connections: concurrency, amount, timeout: 30, requests }, (error, r) => {
        if (error) reject(error);
        else {
          const ops = r['2xx'];
          resolve({ ops, errors: r.non2xx + r.errors + r.timeouts, seconds: (last - begun) / 1000, endTicks });
        }
      }).on('response', () => {
        last = performance.now();
        if (++answered === amount) endTicks = machineTicks();
      });
    });
  // [reference, identity]: the reference starts its identity service as its only child.
  const family = processFamily(ref.pid);
  const measured = async (run: () => Promise<Phase>): Promise<Phase> => {
    const self0 = process.cpuUsage();
    const before = cpuMs(family);
    const ticks0 = machineTicks();
    const phase = await run();
    phase.machine = machineShares(ticks0, phase.endTicks ?? machineTicks());
    const self = process.cpuUsage(self0);
    const after = cpuMs(family);
    const per = (i: number): number | undefined =>
      before[i] === undefined || after[i] === undefined ? undefined : (after[i]! - before[i]!) / phase.ops;
    const reference = per(0);
    const identity = per(1);
    phase.cpu = {
      self: (self.user + self.system) / 1000 / phase.ops,
      ...(reference === undefined ? {} : { reference }),
      ...(identity === undefined ? {} : { identity }),
    };
    return phase;
  };
  const secret = 'Bench-Only-Passw0rd!';
  const phc = await hashPassword(secret, 'owasp');
  const verify = async (): Promise<boolean> => verifyPassword(phc, secret);

  try {
    // Warm-up (connections, JIT); the raw rate found here sizes each login phase to about `seconds`.
    await logins(4 * concurrency);
    const warm = await saturate(1, concurrency, verify);
    const loginsPerPhase = Math.max(4 * concurrency, Math.round((warm.ops / warm.seconds) * seconds));
    const rows: {
      raw: number;
      login: number;
      errors: number;
      rawCpu: number;
      loginCpu: Required<Phase>['cpu'];
      rawMachine: Phase['machine'];
      loginMachine: Phase['machine'];
    }[] = [];
    console.log('\nround   raw verify/s   logins/s   ratio   login errors   idle raw / login   stolen raw / login');
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so a load spike from other users does not always land on the same side.
      const [first, second] = r % 2 === 0 ? (['raw', 'login'] as const) : (['login', 'raw'] as const);
      const results: Partial<Record<'raw' | 'login', Phase>> = {};
      for (const which of [first, second]) {
        results[which] = await measured(() =>
          which === 'raw' ? saturate(seconds, concurrency, verify) : logins(loginsPerPhase),
        );
      }
      const rawRate = results.raw!.ops / results.raw!.seconds;
      const loginRate = results.login!.ops / results.login!.seconds;
      rows.push({
        raw: rawRate,
        login: loginRate,
        errors: results.login!.errors,
        rawCpu: results.raw!.cpu!.self,
        loginCpu: results.login!.cpu!,
        rawMachine: results.raw!.machine,
        loginMachine: results.login!.machine,
      });
      console.log(
        `${String(r + 1).padStart(5)}   ${fmt(rawRate)}       ${fmt(loginRate)}   ${(loginRate / rawRate).toFixed(3)}   ` +
          `${String(results.login!.errors).padStart(12)}   ${percent(results.raw!.machine?.idle)} / ${percent(results.login!.machine?.idle)}` +
          `    ${percent(results.raw!.machine?.steal)} / ${percent(results.login!.machine?.steal)}`,
      );
    }
    const rawMedian = median(rows.map((x) => x.raw));
    const loginMedian = median(rows.map((x) => x.login));
    const ratioMedian = median(rows.map((x) => x.login / x.raw));
    console.log(`\nmedian raw argon2id verifications/s: ${rawMedian.toFixed(1)}`);
    console.log(`median logins/s through HTTP API:   ${loginMedian.toFixed(1)}`);
    console.log(
      `ratio of medians: ${(loginMedian / rawMedian).toFixed(3)}   median of per-round ratios: ${ratioMedian.toFixed(3)}   (target >= 0.9)`,
    );
    /** Median over the rounds of one figure (rounds without it, e.g. no /proc, are skipped). */
    const medianOf = (pick: (x: (typeof rows)[number]) => number | undefined): number | undefined => {
      const xs = rows.map(pick).filter((x): x is number => x !== undefined);
      return xs.length === 0 ? undefined : median(xs);
    };
    const cpuOf = (pick: (x: (typeof rows)[number]) => number | undefined): string => {
      const ms = medianOf(pick);
      return ms === undefined ? 'n/a' : `${ms.toFixed(2)} ms`;
    };
    console.log(
      `CPU per raw verification: ${cpuOf((x) => x.rawCpu)}; per login: identity ${cpuOf((x) => x.loginCpu.identity)}, ` +
        `reference API ${cpuOf((x) => x.loginCpu.reference)}, client ${cpuOf((x) => x.loginCpu.self)} (medians; /proc)`,
    );
    const shareOf = (pick: (x: (typeof rows)[number]) => number | undefined): string => percent(medianOf(pick));
    console.log(
      `machine during the phases (medians; /proc/stat): idle raw ${shareOf((x) => x.rawMachine?.idle)}, ` +
        `logins ${shareOf((x) => x.loginMachine?.idle)}; stolen by the hypervisor raw ` +
        `${shareOf((x) => x.rawMachine?.steal)}, logins ${shareOf((x) => x.loginMachine?.steal)}`,
    );
    console.log(
      `login errors: ${rows.reduce((n, x) => n + x.errors, 0)}   load average at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await ref.stop();
  }
}
