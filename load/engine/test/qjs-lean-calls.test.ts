// The QuickJS VU's host-call path (qjs/lean-calls.ts): every argument and result type crosses intact, a host
// exception or rejection becomes a QuickJS exception with its message, and a blocking call suspends and resumes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import asyncifyVariant from '@jitl/quickjs-wasmfile-release-asyncify';
import { newQuickJSAsyncWASMModuleFromVariant, newVariant, type QuickJSAsyncContext } from 'quickjs-emscripten-core';
import { LeanCalls, leanSuspensions } from '../src/qjs/lean-calls.ts';

const require = createRequire(import.meta.url);
const wasmApi = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => WebAssembly.Module } })
  .WebAssembly;
const wasmModule = new wasmApi.Module(readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-asyncify/wasm')));

async function context(): Promise<{ ctx: QuickJSAsyncContext; lean: LeanCalls }> {
  const module = await newQuickJSAsyncWASMModuleFromVariant(
    newVariant(asyncifyVariant as never, { wasmModule }) as never,
  );
  leanSuspensions(module);
  const ctx = module.newRuntime().newContext();
  return { ctx, lean: new LeanCalls(ctx) };
}

function run(ctx: QuickJSAsyncContext, code: string): unknown {
  const r = ctx.evalCode(code);
  if (r.error) {
    const e = ctx.dump(r.error) as unknown;
    r.error.dispose();
    throw new Error(`QuickJS threw: ${JSON.stringify(e)}`);
  }
  const v = ctx.dump(r.value) as unknown;
  r.value.dispose();
  return v;
}

test('lean calls: strings, numbers and booleans cross both ways intact', async () => {
  const { ctx, lean } = await context();
  const seen: unknown[][] = [];
  lean.install(ctx.global, 'echo', {
    args: ['s', 'n', 'b'],
    returns: 's',
    fn: (s: string, n: number, b: boolean) => {
      seen.push([s, n, b]);
      return `${s}|${n}|${b}`;
    },
  });
  lean.install(ctx.global, 'num', { args: ['n'], returns: 'n', fn: (n: number) => n * 2 });
  lean.install(ctx.global, 'flag', { args: ['s'], returns: 'b', fn: (s: string) => s === 'yes' });
  lean.install(ctx.global, 'nothing', { args: [], returns: 'v', fn: () => 'ignored' });
  const text = 'ünïcødé 🚀 "quotes" \\ \n new line';
  assert.equal(run(ctx, `echo(${JSON.stringify(text)}, 1.5, true)`), `${text}|1.5|true`);
  assert.deepEqual(seen[0], [text, 1.5, true]);
  assert.equal(run(ctx, `echo('', -0, false)`), '|0|false');
  assert.equal(run(ctx, `echo('x', 2)`), 'x|2|undefined', 'a missing argument arrives as undefined');
  assert.equal(run(ctx, `echo(42, '7', 0)`), '42|7|false', 'values convert as String() and Number() would');
  assert.equal(run(ctx, `num(1e300) === 2e300 && Number.isNaN(num(NaN)) && num(-3) === -6`), true);
  assert.equal(run(ctx, `flag('yes') === true && flag('no') === false`), true);
  assert.equal(run(ctx, `nothing() === undefined`), true);
  assert.equal(
    run(
      ctx,
      `let s = ''; for (let i = 0; i < 200; i++) s = echo(s.length > 100 ? '' : s + 'ab', i, true); s.length > 0`,
    ),
    true,
  );
});

test('lean calls: a host exception is a QuickJS exception with its message; other host functions still work', async () => {
  const { ctx, lean } = await context();
  lean.install(ctx.global, 'boom', {
    args: ['s'],
    returns: 's',
    fn: (why: string) => {
      throw new Error(`host says ${why}`);
    },
  });
  const generic = ctx.newFunction('generic', () => ctx.newString('generic path'));
  ctx.setProp(ctx.global, 'generic', generic);
  generic.dispose();
  assert.equal(run(ctx, `try { boom('no'); 'not thrown' } catch (e) { e.message }`), 'host says no');
  assert.equal(run(ctx, `generic()`), 'generic path');
});

test('lean calls: a blocking call suspends QuickJS until its promise settles; a rejection is thrown inside', async () => {
  const { ctx, lean } = await context();
  lean.install(ctx.global, 'later', {
    args: ['n'],
    returns: 's',
    fn: (ms: number) => new Promise<string>((resolve) => setTimeout(() => resolve(`after ${ms}`), ms)),
  });
  lean.install(ctx.global, 'refuse', {
    args: [],
    returns: 'v',
    fn: () => Promise.reject(new Error('refused')),
  });
  const started = Date.now();
  const r = await ctx.evalCodeAsync(
    `const a = later(30); const b = later(1); let c; try { refuse(); c = 'no throw' } catch (e) { c = e.message } [a, b, c].join(',')`,
  );
  assert.ok(!r.error, 'no exception');
  assert.equal(ctx.dump(r.value), 'after 30,after 1,refused');
  r.value.dispose();
  assert.ok(Date.now() - started >= 30, 'the first call waited for its promise');
});
