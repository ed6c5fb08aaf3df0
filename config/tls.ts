// A private CA for HTTPS targets. Node trusts NODE_EXTRA_CA_CERTS (read once, at process start, by every Node process
// of a run: the Playwright runner and its workers, the load CLI, the local engine and its threads), on top of its
// public roots. Real k6 (Go) does not read it: on Linux it reads SSL_CERT_FILE instead, which *replaces* the default
// bundle file, so the k6 launcher hands it a bundle of Node's public roots plus the private CA (k6BundleFor).
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rootCertificates } from 'node:tls';

/** What is wrong with NODE_EXTRA_CA_CERTS (one line naming the variable and the fix), or undefined when usable. */
export function extraCaCertsProblem(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const fix = 'point it at the PEM file of the CA that signed the target certificate, or unset it';
  let text: string;
  try {
    text = readFileSync(resolve(value), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `is not readable (${code ?? 'error'})`;
    return `NODE_EXTRA_CA_CERTS="${value}" ${why}: ${fix}`;
  }
  try {
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate');
    new X509Certificate(text);
  } catch {
    return `NODE_EXTRA_CA_CERTS="${value}" holds no valid PEM certificate (-----BEGIN CERTIFICATE-----): ${fix} (DER converts with openssl x509 -inform der -in ca.der -out ca.pem)`;
  }
  return undefined;
}

/**
 * The variables that make real k6 trust what Node trusts: with NODE_EXTRA_CA_CERTS set and SSL_CERT_FILE not, writes
 * `k6-ca-bundle.pem` (Node's public roots + the private CA) into the folder `dir()` makes and returns SSL_CERT_FILE
 * pointing at it. Returns {} when there is nothing to do or the user set SSL_CERT_FILE. (Go on macOS and Windows
 * verifies with the system store and ignores SSL_CERT_FILE: add the CA to the system store there.)
 */
export function k6TrustEnv(
  env: { readonly [name: string]: string | undefined },
  dir: () => string,
): Record<string, string> {
  const extra = env.NODE_EXTRA_CA_CERTS?.trim();
  if (!extra || env.SSL_CERT_FILE?.trim()) return {};
  const bundle = join(dir(), 'k6-ca-bundle.pem');
  writeFileSync(bundle, `${rootCertificates.join('\n')}\n${readFileSync(resolve(extra), 'utf8').trim()}\n`, {
    mode: 0o644,
  });
  return { SSL_CERT_FILE: bundle };
}
