// Runs before every contract test: is the target answering HTTP at all? If not, this is the run's one failure
// (the contract project depends on it and does not start), with a message that says what to fix.
import { test } from '@playwright/test';
import { suiteContext } from '../support/context.ts';
import { endpoint, send, transportHint } from '../support/http.ts';

const timeoutMs = 5_000;

test('target is reachable @smoke', async () => {
  const { baseUrl, faultBaseUrl, managed, login, coordination } = suiteContext();
  const targets: [string, string][] = [[baseUrl, managed ? 'the managed reference' : 'AUTH_BASE_URL']];
  if (faultBaseUrl !== undefined)
    targets.push([faultBaseUrl, managed ? 'the managed fault reference' : 'AUTH_FAULT_BASE_URL']);
  for (const [url, what] of targets) {
    try {
      await coordination.slot();
      // An empty JSON object: any HTTP answer proves reachability, and no credentials are spent on it.
      await send({
        method: login.method,
        url: endpoint(url, login.path),
        headers: { 'content-type': 'application/json' },
        body: '{}',
        timeoutMs,
      });
    } catch (error) {
      const cause = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      const check =
        what === 'AUTH_BASE_URL'
          ? 'AUTH_BASE_URL and that the service is up'
          : what === 'AUTH_FAULT_BASE_URL'
            ? 'AUTH_FAULT_BASE_URL'
            : 'the reference service logs';
      const failure = new Error(
        `target ${url} (${what}) is not reachable: ${cause} — ${transportHint(cause) ?? `check ${check}`}`,
      );
      failure.stack = failure.message;
      throw failure;
    }
  }
});
