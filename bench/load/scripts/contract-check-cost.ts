// k6 script of bench/load/contract-check-cost.ts: one VU, no HTTP, judges a captured login body per iteration.
// CHECK=none parses the body only (the baseline every load check pays anyway); CHECK=contract runs what
// load/lib/login.ts adds per response: the schema validator and the identity check.
import encoding from 'k6/encoding';
import { contractProblems, identityCheck } from '../../../load/lib/login-contract.ts';

const body = open(__ENV.BODY_FILE ?? '');
const identifier = __ENV.IDENTIFIER ?? '';
const decode = (text: string): string => encoding.b64decode(text, 'rawurl', 's');

export default function (): void {
  if (__ENV.CHECK === 'contract') {
    const problems = contractProblems(200, 'application/json', body) ?? ['not judged'];
    const identity = identityCheck(body, identifier, undefined, decode);
    if (problems.length > 0 || identity.problems.length > 0) throw new Error('the captured body must conform');
  } else if (JSON.parse(body) === null) {
    throw new Error('unreachable');
  }
}
