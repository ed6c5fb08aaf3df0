// Intermittent defects: healthy for a warm-up, then one successful login in ten comes back wrong. A contract run
// sends a few logins and may never meet them; they exist to prove the load run's contract checks (load/lib/login.ts)
// fail the load gate by name (bench/load/load-gate-mutants.ts, part of `npm run selftest`). Selected like the catalog's
// defects (`--defect NAME`, REFERENCE_DEFECT); not in DEFECTS, whose rows the contract self-test must each kill.
// The count is per defect object, so per reference process (each load run starts its own reference).
import type { Defect } from './defects.ts';
import { identityIdFor } from './accounts.ts';
import type { Identity, LoginBody } from './reply.ts';

/** Successful logins answered correctly before the first wrong one (the smoke profile sends ~80). */
export const WARM_UP_LOGINS = 20;
/** After the warm-up, every this-many-th successful login is the wrong one. */
export const EVERY = 10;

/** A `login` transform applying `edit` to the 200 bodies the schedule picks; `observe` sees every body first. */
function intermittently(
  edit: (body: LoginBody) => unknown,
  observe: (body: LoginBody) => void = () => undefined,
): (body: LoginBody) => unknown {
  let logins = 0;
  return (body) => {
    logins++;
    const picked = logins > WARM_UP_LOGINS && (logins - WARM_UP_LOGINS) % EVERY === 0;
    const out = picked ? edit(structuredClone(body)) : body;
    observe(body);
    return out;
  };
}

/** Whose identity a swapped body carries when no other account has logged in yet (one VU can carry a smoke run). */
const STRANGER: Identity = {
  id: identityIdFor('someone.else@reference.test'),
  traits: { email: 'someone.else@reference.test' },
};

/**
 * The identity of the last successful login of another account than the current one, as a response cache keyed
 * wrongly would serve it; a stranger's when this account is the only one seen so far.
 */
function previousCaller(): { edit: (body: LoginBody) => unknown; observe: (body: LoginBody) => void } {
  let last: Identity | undefined;
  let beforeLast: Identity | undefined;
  return {
    observe: (body) => {
      if (last?.id !== body.identity.id) beforeLast = last;
      last = body.identity;
    },
    edit: (body) => {
      const other = (last?.id !== body.identity.id ? last : beforeLast) ?? STRANGER;
      return {
        ...body,
        identity: other,
        session: { ...body.session, identity: other },
        tokenizedSession: { ...body.tokenizedSession, identity: other },
      };
    },
  };
}

const swap = previousCaller();

export const INTERMITTENT_DEFECTS: readonly Defect[] = [
  {
    name: 'intermittent-schema-break',
    clauses: ['S200-SCHEMA'],
    description: `after ${WARM_UP_LOGINS} logins, one 200 in ${EVERY} has session.expires_at without a time-zone offset`,
    login: intermittently((body) => ({
      ...body,
      session: { ...body.session, expires_at: body.session.expires_at.replace(/\.\d+Z$|Z$/, '') },
    })),
  },
  {
    name: 'intermittent-identity-swap',
    clauses: ['SESSION-IDENTITY'],
    description: `after ${WARM_UP_LOGINS} logins, one 200 in ${EVERY} carries another caller's identity`,
    login: intermittently(swap.edit, swap.observe),
  },
];
