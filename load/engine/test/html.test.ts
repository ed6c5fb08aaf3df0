// res.html() and k6/html, submitForm and clickLink (issue 19), against a loopback server that serves one page at
// /dir/page (so relative actions and hrefs resolve against a folder) and records every request it gets.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { runFixture } from './helpers.ts';

const PAGE = `<!doctype html><html><head><title>t</title></head><body>
<div id="main"><h1>Hello &amp; welcome</h1><p class="intro">Some <b>bold</b> text</p></div>
<ul id="list" class="items main-list" data-count="3" data-user-name="ann" data-enabled="true" data-config='{"a":1}'>
<li class="odd">one</li><li>two</li><li class="odd last">three</li></ul>
<a href="/first">first</a> <a class="up" href="../up/next?q=1#frag">up</a>
<form id="login" method="post" action="submit?from=page">
  <input type="hidden" name="csrf" value="tok-123">
  <input type="text" name="email" value="a@b.c">
  <input type="checkbox" name="remember" checked>
  <input type="checkbox" name="newsletter" value="yes">
  <input type="radio" name="plan" value="free"><input type="radio" name="plan" value="pro" checked>
  <select name="color"><option>red</option><option value="green" selected>Green</option></select>
  <select name="tags" multiple><option selected>a</option><option>b</option><option selected>c</option></select>
  <textarea name="note">free text</textarea>
  <input type="text" name="off" value="x" disabled>
  <input type="file" name="upload">
  <button type="submit" name="action" value="login">Log in</button>
</form>
<form id="search" action="results?stale=1"><input name="q" value="old query"><input name="lang" value="en"></form>
</body></html>`;

interface Seen {
  method: string;
  url: string;
  body: string;
  contentType: string;
}
const seen: Seen[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, body, contentType: req.headers['content-type'] ?? '' });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(req.url === '/dir/page' ? PAGE : '<p>ok</p>');
  });
});
let base = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('res.html() Selection API, submitForm and clickLink behave as in k6; misuse is one clear error', async () => {
  const run = await runFixture('html-api.ts', { env: { BASE: base } });
  assert.ok(run.summary, run.error);
  const failed = run.summary.root_group.checks.filter((c) => c.fails > 0).map((c) => c.name);
  assert.deepEqual(failed, [], run.stderr);
  assert.equal(run.summary.root_group.checks.length, 28, 'every check ran');

  const after = seen.filter((s) => s.url !== '/dir/page');
  // submitForm: POST to the resolved action; fields replace or add; the submit button's name/value is sent; a
  // disabled field, an unchecked box and a file input are not; a multiple select repeats its name.
  const post = after[0]!;
  assert.equal(post.method, 'POST');
  assert.equal(post.url, '/dir/submit?from=page');
  assert.equal(post.contentType, 'application/x-www-form-urlencoded');
  assert.equal(
    post.body,
    'csrf=tok-123&email=new%40b.c&remember=on&plan=pro&color=green&tags=a&tags=c&note=free%20text&action=login&extra=added',
  );
  // A GET form: its fields replace the action's query.
  assert.deepEqual([after[1]!.method, after[1]!.url], ['GET', '/dir/results?q=k6+rocks&lang=en']);
  assert.deepEqual(
    after.slice(2, 4).map((s) => s.url),
    ['/first', '/up/next?q=1'],
  );
  assert.equal(after.length, 4, 'the refused calls sent nothing');
});

test('resolveUrl: links and form actions resolve against the page as a browser resolves them', async () => {
  const { resolveUrl } = await import('../src/vu/html/forms.ts');
  const page = 'http://h:8/a/b/page?x=1#top';
  const cases: [string, string][] = [
    ['https://other/p', 'https://other/p'],
    ['//cdn/x.js', 'http://cdn/x.js'],
    ['/root?q', 'http://h:8/root?q'],
    ['?y=2', 'http://h:8/a/b/page?y=2'],
    ['', 'http://h:8/a/b/page?x=1'],
    ['#frag', 'http://h:8/a/b/page?x=1'],
    ['next', 'http://h:8/a/b/next'],
    ['./next#f', 'http://h:8/a/b/next'],
    ['../up/n?q=1', 'http://h:8/a/up/n?q=1'],
    ['../../../../top', 'http://h:8/top'],
    ['..', 'http://h:8/a/'],
    ['c/./d/../e', 'http://h:8/a/b/c/e'],
  ];
  for (const [ref, want] of cases) assert.equal(resolveUrl(page, ref), want, ref);
  assert.throws(() => resolveUrl('not a url', 'x'), /cannot resolve "x" against the response URL "not a url"/);
});

test('the HTML parser is a bundle of its own: the runtime every VU evaluates does not carry it', async () => {
  const { loadEngineCode } = await import('../src/bundle.ts');
  const code = await loadEngineCode();
  const marker = 'Unmatched selector'; // a css-select (css-what) error message
  assert.ok(code.html.includes(marker), 'the HTML bundle has the selector engine');
  assert.ok(!code.runtime.includes(marker), 'the runtime does not');
  assert.ok(code.runtime.length < 100_000, `runtime bundle ${code.runtime.length} bytes`);
});
