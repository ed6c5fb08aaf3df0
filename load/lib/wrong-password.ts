// Which iterations send a deliberate wrong password (LOAD_WRONG_PASSWORD_SHARE). Each VU logs in with its own account,
// and identity providers lock an account after a few consecutive failures (Okta, Azure AD, Keycloak: 5–10), so a VU
// never sends two wrong passwords in a row: the valid login in between resets the provider's counter. To keep the
// configured share anyway, the chance after a valid login is share / (1 - share) — hence a share of at most 0.5.
import { LoadInputError } from './input-error.ts';

export const maxWrongPasswordShare = 0.5;

/** Decides each iteration for one VU (one account); `random` is Math.random in scripts, seeded in tests. */
export function wrongPasswordPlan(share: number, random: () => number = Math.random): () => boolean {
  if (!(share >= 0 && share <= maxWrongPasswordShare)) {
    throw new LoadInputError(
      `LOAD_WRONG_PASSWORD_SHARE=${share} is above ${maxWrongPasswordShare}: a VU never sends two wrong passwords in a row (its account would lock), so at most every other login can be wrong`,
    );
  }
  const afterValid = share === maxWrongPasswordShare ? 1 : share / (1 - share);
  let lastWasWrong = false;
  return () => {
    lastWasWrong = !lastWasWrong && random() < afterValid;
    return lastWasWrong;
  };
}
