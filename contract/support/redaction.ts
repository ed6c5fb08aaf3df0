// Redacted renderings of an exchange for attachments and reports: passwords and tokens never leave the process.
import { MASK, redactText, redactValue } from '../../core/redact.ts';
import type { Exchange } from './http.ts';

const secretHeaders = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);

function redactHeaders(headers: Readonly<Record<string, string>>, secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      secretHeaders.has(name.toLowerCase()) ? MASK : redactText(value, secrets),
    ]),
  );
}

function redactBody(text: string | undefined, secrets: readonly string[]): unknown {
  if (text === undefined) return undefined;
  try {
    return redactValue(JSON.parse(text), secrets);
  } catch {
    return redactText(text, secrets);
  }
}

export function redactedRequest(exchange: Exchange, secrets: readonly string[]): object {
  const { method, url, headers, body } = exchange.request;
  // The URL too: a query string may carry credentials (the undocumented-channel probes send them there).
  return {
    method,
    url: redactText(url, secrets),
    headers: redactHeaders(headers, secrets),
    body: redactBody(body, secrets),
  };
}

export function redactedResponse(exchange: Exchange, secrets: readonly string[]): object {
  const { status, headers, text } = exchange.response;
  return {
    status,
    durationMs: Math.round(exchange.durationMs * 10) / 10,
    headers: redactHeaders(headers, secrets),
    body: redactBody(text, secrets),
  };
}
