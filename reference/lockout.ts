// Account lockout, as Okta, Keycloak and Azure AD deploy it: after `after` consecutive wrong passwords an existing
// account is locked for `seconds`. Only the state machine lives here (no I/O, the clock injected), so tests step
// through a lock without waiting; app.ts decides what counts (wrong passwords of existing accounts only) and makes a
// locked account answer exactly like a wrong password.

export interface LockoutPolicy {
  /** Consecutive wrong passwords that lock an account (at least 1). */
  readonly after: number;
  /** How long a lock lasts. */
  readonly seconds: number;
}

export interface Lockout {
  readonly policy: LockoutPolicy;
  /** The account's lock is running. */
  isLocked(identifier: string): boolean;
  /** A wrong password for an existing account; true when this one locks it. Failures during a lock do not count. */
  failed(identifier: string): boolean;
  /** A successful login: the count starts again. */
  succeeded(identifier: string): void;
}

interface State {
  failures: number;
  /** Epoch ms; 0 while unlocked. */
  lockedUntil: number;
}

export function createLockout(policy: LockoutPolicy, now: () => number = Date.now): Lockout {
  // Keyed by identifier exactly as the identity service matches it. Only existing accounts get an entry (the app
  // never reports unknown identifiers), so the map is bounded by the number of accounts, not by what clients send.
  const states = new Map<string, State>();

  function isLocked(identifier: string): boolean {
    const state = states.get(identifier);
    if (state === undefined || state.lockedUntil === 0) return false;
    if (now() < state.lockedUntil) return true;
    states.delete(identifier); // the lock ran out: a fresh count, as after a success
    return false;
  }

  return {
    policy,
    isLocked,
    failed(identifier) {
      if (isLocked(identifier)) return false; // a lock is neither extended nor stacked by more attempts
      const state = states.get(identifier) ?? { failures: 0, lockedUntil: 0 };
      state.failures += 1;
      states.set(identifier, state);
      if (state.failures < policy.after) return false;
      state.lockedUntil = now() + policy.seconds * 1000;
      return true;
    },
    succeeded(identifier) {
      states.delete(identifier);
    },
  };
}
