// `npm run bench:reference [-- --seconds S --rounds R --concurrency C --accounts N]`: logins/s through the reference's
// HTTP API against raw argon2id verifications/s (bench/reference/login-throughput.ts). A failure is one line: exit 2
// for a bad flag, 1 otherwise.
import { runMain } from '../core/main.ts';
import { runReferenceBench } from '../bench/reference/login-throughput.ts';

runMain('bench:reference', () => runReferenceBench(process.argv.slice(2)), { service: true });
