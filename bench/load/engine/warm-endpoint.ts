// Warms a freshly started bench endpoint (its JIT, its accept path) before a measured run, so the first second of a
// run measures the engine and not the endpoint's own cold start. Sequential keep-alive requests for a bounded time.
import { request, Agent } from 'node:http';

export async function warmEndpoint(url: string, ms = 1000): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const until = Date.now() + ms;
  const one = () =>
    new Promise<void>((res) => {
      const req = request(url, { agent }, (r) => {
        r.resume();
        r.on('end', res);
      });
      req.on('error', () => res());
      req.end();
    });
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < until) await one();
    }),
  );
  agent.destroy();
}
