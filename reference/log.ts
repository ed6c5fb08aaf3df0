// pino JSON logs on stderr (stdout carries only the "listening at" line). Secrets are redacted by path, as a
// second line of defence: request bodies, passwords and tokens are never passed to the logger in the first place.
import pino from 'pino';
import type { Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'sessionToken',
  '*.sessionToken',
  'jwt',
  '*.jwt',
  'token',
  '*.token',
  'headers.authorization',
  '*.headers.authorization',
  'body',
  '*.body',
];

export function createLogger(name: string, level = process.env.REFERENCE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, pino.destination(2));
}
