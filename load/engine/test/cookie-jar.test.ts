// The sandbox's cookie jar, URL and date helpers on their own (they are plain ES2022, so Node runs them as the
// sandbox does): RFC 6265's storing and matching rules, which a loopback server cannot show (domain cookies need a
// host name with subdomains, Secure needs https).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCookieDate } from '../src/vu/cookie-date.ts';
import { CookieJar, parseSetCookie, responseCookies, setCookieClock } from '../src/vu/cookies.ts';
import { parseUrl, resolveReference, withoutCredentials } from '../src/vu/url.ts';

let now = Date.UTC(2026, 0, 1);
setCookieClock(() => now);

const url = (text: string) => {
  const u = parseUrl(text);
  assert.ok(u, text);
  return u;
};
function jarWith(from: string, ...headers: string[]): CookieJar {
  const jar = new CookieJar();
  for (const h of headers) jar.store(url(from), parseSetCookie(h)!);
  return jar;
}
const names = (jar: CookieJar, to: string) => jar.matching(url(to)).map((c) => `${c.name}=${c.value}`);

test('cookie dates: the RFC 1123, RFC 850 and asctime forms servers send; nonsense is undefined', () => {
  const expected = Date.UTC(2099, 9, 21, 7, 28, 0);
  assert.equal(parseCookieDate('Wed, 21 Oct 2099 07:28:00 GMT'), expected);
  assert.equal(parseCookieDate('Wednesday, 21-Oct-99 07:28:00 GMT'), Date.UTC(1999, 9, 21, 7, 28, 0));
  assert.equal(parseCookieDate('Wed Oct 21 07:28:00 2099'), expected);
  assert.equal(parseCookieDate('Thu, 01 Jan 1970 00:00:00 GMT'), 0);
  assert.equal(parseCookieDate('Sat, 29 Feb 2020 23:59:59 GMT'), Date.UTC(2020, 1, 29, 23, 59, 59));
  assert.equal(parseCookieDate('tomorrow'), undefined);
  assert.equal(parseCookieDate('Wed, 21 Oct 2099 25:28:00 GMT'), undefined);
});

test('Set-Cookie parsing: attributes, quotes, Max-Age in Go`s convention, a header without "=" is no cookie', () => {
  assert.deepEqual(parseSetCookie('sid="a b"; Domain=.Example.com; Path=/app; Max-Age=60; Secure; HttpOnly'), {
    name: 'sid',
    value: 'a b',
    domain: 'example.com',
    path: '/app',
    maxAge: 60,
    expires: undefined,
    secure: true,
    httpOnly: true,
  });
  assert.equal(parseSetCookie('sid=1; Max-Age=0')?.maxAge, -1);
  assert.equal(parseSetCookie('sid=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT')?.expires, Date.UTC(2099, 9, 21, 7, 28));
  assert.equal(parseSetCookie('novalue'), undefined);
  assert.equal(parseSetCookie('=x'), undefined);
  const byName = responseCookies(['a=1; HttpOnly', 'a=2; Path=/x', 'junk']);
  assert.deepEqual(Object.keys(byName), ['a']);
  assert.equal(byName['a']?.length, 2);
});

test('host-only cookies go to their host only; Domain cookies to its subdomains too', () => {
  const hostOnly = jarWith('http://app.example.com/', 'h=1');
  assert.deepEqual(names(hostOnly, 'http://app.example.com/x'), ['h=1']);
  assert.deepEqual(names(hostOnly, 'http://sub.app.example.com/x'), []);
  const domain = jarWith('http://app.example.com/', 'd=1; Domain=example.com');
  assert.deepEqual(names(domain, 'http://example.com/'), ['d=1']);
  assert.deepEqual(names(domain, 'http://other.example.com/'), ['d=1']);
  assert.deepEqual(names(domain, 'http://notexample.com/'), []);
});

test('a Domain the host may not set is refused: another site, a bare TLD, an IP address`s parent', () => {
  assert.deepEqual(names(jarWith('http://app.example.com/', 'x=1; Domain=other.com'), 'http://other.com/'), []);
  assert.deepEqual(names(jarWith('http://app.example.com/', 'x=1; Domain=com'), 'http://app.example.com/'), []);
  assert.deepEqual(names(jarWith('http://127.0.0.1/', 'x=1; Domain=0.0.1'), 'http://127.0.0.1/'), []);
  assert.deepEqual(names(jarWith('http://127.0.0.1/', 'x=1; Domain=127.0.0.1'), 'http://127.0.0.1/'), ['x=1']);
});

test('paths: default path is the request`s folder; /app matches /app and /app/x, not /apple', () => {
  const jar = jarWith('http://h.example/app/login', 'd=1', 'p=2; Path=/app');
  assert.deepEqual(names(jar, 'http://h.example/app'), ['d=1', 'p=2']);
  assert.deepEqual(names(jar, 'http://h.example/app/x'), ['d=1', 'p=2']);
  assert.deepEqual(names(jar, 'http://h.example/apple'), []);
  assert.deepEqual(names(jar, 'http://h.example/'), []);
  // Longer paths first (RFC 6265 5.4).
  const ordered = jarWith('http://h.example/', 'a=root; Path=/', 'a=deep; Path=/x/y');
  assert.deepEqual(names(ordered, 'http://h.example/x/y/z'), ['a=deep', 'a=root']);
});

test('expiry: Max-Age and Expires expire cookies; Max-Age wins; Max-Age=0 deletes; the same key replaces', () => {
  const jar = jarWith('http://h.example/', 'm=1; Max-Age=10', 'e=1; Expires=Thu, 01 Jan 2026 00:00:05 GMT', 's=1');
  assert.deepEqual(names(jar, 'http://h.example/'), ['m=1', 'e=1', 's=1']);
  now += 6000;
  assert.deepEqual(names(jar, 'http://h.example/'), ['m=1', 's=1']);
  now += 5000;
  assert.deepEqual(names(jar, 'http://h.example/'), ['s=1']);
  jar.store(url('http://h.example/'), parseSetCookie('s=2')!);
  assert.deepEqual(names(jar, 'http://h.example/'), ['s=2']);
  jar.store(url('http://h.example/'), parseSetCookie('s=x; Max-Age=0')!);
  assert.deepEqual(names(jar, 'http://h.example/'), []);
  const wins = jarWith('http://h.example/', 'w=1; Max-Age=100; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  assert.deepEqual(names(wins, 'http://h.example/'), ['w=1']);
});

test('Secure cookies only over https', () => {
  const jar = jarWith('https://h.example/', 's=1; Secure', 'p=1');
  assert.deepEqual(names(jar, 'https://h.example/'), ['s=1', 'p=1']);
  assert.deepEqual(names(jar, 'http://h.example/'), ['p=1']);
});

test('the script API: set with options, cookiesForURL, delete, clear, and clear errors for bad input', () => {
  const jar = new CookieJar();
  jar.set('http://h.example/a/x', 'one', '1');
  jar.set('http://h.example/a', 'two', '2', { domain: 'h.example', path: '/', max_age: 600, http_only: true });
  jar.set('http://h.example/a', 'gone', 'x', { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' });
  assert.deepEqual(jar.cookiesForURL('http://h.example/b'), { two: ['2'] });
  assert.deepEqual(jar.cookiesForURL('http://h.example/a'), { two: ['2'], one: ['1'] });
  jar.delete('http://h.example/a', 'one');
  assert.deepEqual(jar.cookiesForURL('http://h.example/a'), { two: ['2'] });
  jar.clear('http://h.example/');
  assert.deepEqual(jar.cookiesForURL('http://h.example/a'), {});
  assert.throws(() => jar.set('h.example', 'n', 'v'), /CookieJar\.set: "h\.example" is not an absolute http/);
  assert.throws(() => jar.set('http://h.example/', '', 'v'), /cookie name must be a non-empty string/);
  assert.throws(() => jar.set('http://h.example/', 'n', 'v', { maxAge: 1 }), /unknown option "maxAge"/);
  assert.throws(() => jar.set('http://h.example/', 'n', 'v', { expires: 'soon' }), /expires "soon" is not a date/);
  assert.throws(() => jar.cookiesForURL('ftp://h.example/'), /cookiesForURL: "ftp:\/\/h\.example\/"/);
});

test('URLs: credentials removed and nothing else; Location references resolved as RFC 3986 says', () => {
  assert.equal(withoutCredentials('http://u:p@h:8080/a?b=1'), 'http://h:8080/a?b=1');
  assert.equal(withoutCredentials('http://h/a@b'), 'http://h/a@b');
  const u = parseUrl('http://u:p%40@Host.Example:81/a/b/c?q=1#f')!;
  assert.deepEqual(
    [u.user, u.password, u.host, u.port, u.path, u.query],
    ['u', 'p%40', 'host.example', '81', '/a/b/c', '?q=1'],
  );
  const base = parseUrl('http://h/a/b/c?q=1')!;
  assert.equal(resolveReference(base, 'https://o/x'), 'https://o/x');
  assert.equal(resolveReference(base, '//o/x'), 'http://o/x');
  assert.equal(resolveReference(base, '/x?y=1'), 'http://h/x?y=1');
  assert.equal(resolveReference(base, 'd'), 'http://h/a/b/d');
  assert.equal(resolveReference(base, '../d'), 'http://h/a/d');
  assert.equal(resolveReference(base, './'), 'http://h/a/b/');
  assert.equal(resolveReference(base, '?z'), 'http://h/a/b/c?z');
  assert.equal(parseUrl('mailto:x@y'), undefined);
  assert.equal(parseUrl('/relative'), undefined);
});
