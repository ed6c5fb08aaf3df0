// Child process for the benchmark: a trivial loopback endpoint that can add latency, stall for a while (POST
// /stall?ms=N holds every response until the stall ends), and report its own per-request times (GET /stats).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

const addedMs = Number(process.env['ADDED_MS'] ?? '0');
let stallUntil = 0;
const times: number[] = [];

const server = createServer((req, res) => {
  const started = performance.now();
  req.resume();
  req.on('end', () => {
    const url = req.url ?? '/';
    if (url.startsWith('/stall')) {
      if (Date.now() >= stallUntil)
        stallUntil = Date.now() + Number(new URL(url, 'http://x').searchParams.get('ms') ?? '1000');
      res.end('stalling');
      return;
    }
    if (url.startsWith('/stats')) {
      const sorted = [...times].sort((a, b) => a - b);
      res.end(JSON.stringify({ count: sorted.length, p50: sorted[Math.floor(sorted.length / 2)] ?? 0 }));
      times.length = 0;
      return;
    }
    const answer = () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '11' });
      res.end('{"ok":true}');
      times.push(performance.now() - started);
    };
    const wait = Math.max(addedMs, stallUntil - Date.now());
    if (wait > 0) setTimeout(answer, wait);
    else answer();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
// The benchmark holds this process's stdin: when the benchmark dies (killed, crashed), the pipe closes and so does
// this endpoint, instead of serving on as an orphan.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
