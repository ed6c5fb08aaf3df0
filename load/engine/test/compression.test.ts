// params.compression (k6: gzip, deflate, br and stacks of them) on both engine designs: what the server received,
// decompressed, is the body the script sent; an unknown coding, zstd (not in Node 20's zlib) and a clash with a
// Content-Encoding header are each one clear error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { metricValue, runFixture, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

for (const design of ['threads', 'qjs'] as const) {
  test(`params.compression compresses the request body and names the codings (${design} design)`, async () => {
    const before = process.env['K6_ENGINE_DESIGN'];
    process.env['K6_ENGINE_DESIGN'] = design;
    try {
      const r = await runFixture('compression.ts', { env: { BASE: server.base } });
      assert.equal(r.error, '', r.error);
      assert.equal(metricValue(r.summary, 'checks', 'fails'), 0, r.stdout + r.stderr);
      assert.equal(metricValue(r.summary, 'checks', 'passes'), 16, r.stdout + r.stderr);
    } finally {
      if (before === undefined) delete process.env['K6_ENGINE_DESIGN'];
      else process.env['K6_ENGINE_DESIGN'] = before;
    }
  });
}
