// Secrets never reach a message, an attachment or a report: fields that carry credentials or tokens are masked,
// and so is any string that contains a known secret value (the configured password) or looks like a JWS.
// In core/ and free of imports and Node globals because both sides use it: the contract suite, and the k6 scripts
// (load/lib/login.ts redacts the bodies it reports) on real k6, which has no URLSearchParams.

/** Property names whose values are credentials or bearer tokens. */
export const secretFieldNames: ReadonlySet<string> = new Set(['password', 'jwt', 'sessionToken', 'tokenized']);

const jwsPattern = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
export const MASK = '***redacted***';
// `"password": "..."` inside raw (possibly malformed) JSON text.
const secretJsonMember = /("(?:password|jwt|sessionToken|tokenized)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
// `password=...` in a query string or a form-encoded body.
const secretFormMember = /((?:^|[?&])(?:password|jwt|sessionToken|tokenized)=)[^&#\s]*/g;

/** application/x-www-form-urlencoded, as URLSearchParams writes it: `*-._` and alphanumerics kept, space as `+`. */
export function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function isSecretField(name: string | undefined): boolean {
  return name !== undefined && secretFieldNames.has(name);
}

/** Masks every occurrence of the given secret values and every JWS-looking substring in a text. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(MASK);
    // As JSON escapes it, and as a URL or a form body encodes it.
    const encodings = [JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), formEncode(secret)];
    for (const encoded of encodings) {
      if (encoded !== secret && encoded.length >= 4) out = out.split(encoded).join(MASK);
    }
  }
  return out.replace(jwsPattern, MASK).replace(secretJsonMember, `$1"${MASK}"`).replace(secretFormMember, `$1${MASK}`);
}

/** A redacted deep copy: secret fields masked, secret values masked inside every string. Never touches the input. */
export function redactValue(value: unknown, secrets: readonly string[] = [], key?: string): unknown {
  if (typeof value === 'string') return isSecretField(key) ? MASK : redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = isSecretField(k) && v !== null ? MASK : redactValue(v, secrets, k);
    return out;
  }
  return value;
}

/** A short, safe rendering of an offending value for an error message. */
export function describeValue(value: unknown, key: string | undefined, secrets: readonly string[] = []): string {
  if (isSecretField(key) && value !== undefined && value !== null)
    return `${MASK} (${Array.isArray(value) ? 'array' : typeof value})`;
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(redactValue(value, secrets, key));
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
