// Raw argon2id verifications per second in one process, at a hash cost, on the CPUs this process may use: the ceiling
// a capacity run of the reference is compared with (docs/benchmarks/2026-12-capacity.md). Run it under the same
// taskset as the reference, next to the capacity runs:
//   taskset -c 0 node --import ./cli/ts-register.js bench/reference/hash-rate.ts --cost owasp --seconds 5 --rounds 3
// Concurrency defaults to twice libuv's thread pool (the threads argon2id runs on), so every allowed core is fed.
// Prints figures, never asserts.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { UserError, runMain } from '../../core/main.ts';
import { HASH_COSTS, hashPassword, verifyPassword, type HashCost } from '../../reference/hashing.ts';

const THREAD_POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const usage =
  'usage: bench/reference/hash-rate.ts [--cost owasp|fast] [--seconds S] [--rounds R] [--concurrency C] (under taskset -c CPUS)';

function positive(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw new UserError(`--${name} "${raw}" must be above 0 and at most ${max}; ${usage}`);
  return n;
}

/** The CPUs the kernel lets this process run on (what taskset set), e.g. "0" or "0-1". */
function allowedCpus(): string {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        cost: { type: 'string' },
        seconds: { type: 'string' },
        rounds: { type: 'string' },
        concurrency: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UserError(`${(error as Error).message.split('\n')[0] ?? ''}; ${usage}`);
  }
  const cost = (values.cost ?? 'owasp') as HashCost;
  if (!HASH_COSTS.includes(cost)) throw new UserError(`--cost "${values.cost}" must be owasp or fast; ${usage}`);
  const seconds = positive(values.seconds, 'seconds', 5, 120);
  const rounds = Math.round(positive(values.rounds, 'rounds', 3, 20));
  const concurrency = Math.round(positive(values.concurrency, 'concurrency', 2 * THREAD_POOL_SIZE, 256));
  // A bench-only secret (never a real one): the figure is the verification's cost, whatever the password.
  const secret = 'Bench-Only-Passw0rd';
  const phc = await hashPassword(secret, cost);
  const rates: number[] = [];
  const cpuPerOp: number[] = [];
  const saturate = async (ms: number): Promise<number> => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let ops = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - started < ms) {
          if (await verifyPassword(phc, secret)) ops += 1;
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    cpuPerOp.push((used.user + used.system) / 1000 / Math.max(1, ops));
    return ops / ((performance.now() - started) / 1000);
  };
  await saturate(500); // warm-up: thread pool started, memory touched
  cpuPerOp.length = 0;
  for (let r = 0; r < rounds; r++) rates.push(await saturate(seconds * 1000));
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  // CPU time per verification does not depend on what else the machine runs: 1000 / it is the rate one whole core
  // would give, the ceiling a capacity per core is checked against on a shared machine.
  const cpuMs = [...cpuPerOp].sort((a, b) => a - b)[Math.floor(cpuPerOp.length / 2)] ?? NaN;
  console.log(
    `raw argon2id (${cost}) on CPUs ${allowedCpus()}: median ${median.toFixed(1)} verify/s over ${rounds} x ${seconds} s ` +
      `(${rates.map((x) => x.toFixed(1)).join(' / ')}), CPU ${cpuMs.toFixed(3)} ms per verify (${(1000 / cpuMs).toFixed(0)}/s per core), ` +
      `concurrency ${concurrency}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  return 0;
}

runMain('bench hash-rate', main);
