// k6: check, group, sleep, fail.
import { emit, baseTags, withUserTags } from '../samples.ts';
import { Boolean, Error, Number, Object } from '../sandbox-builtins.ts';
import { requireVuContext, type Dict, type VuState } from '../vu-state.ts';

export function createK6Module(vu: VuState) {
  function check(val: unknown, sets: Dict, tags?: Dict): boolean {
    requireVuContext(vu, 'check()');
    let all = true;
    for (const name of Object.keys(sets)) {
      const c = sets[name];
      const ok = typeof c === 'function' ? Boolean((c as (v: unknown) => unknown)(val)) : Boolean(c);
      const t = withUserTags(baseTags(vu), tags);
      t['check'] = name;
      emit(vu, 'checks', ok ? 1 : 0, t);
      if (!ok) all = false;
    }
    return all;
  }

  function group<T>(name: string, fn: () => T): T {
    requireVuContext(vu, 'group()');
    if (name.includes('::')) throw new Error(`group name "${name}" must not contain '::'`);
    const parent = vu.groupPath;
    vu.groupPath = `${parent}::${name}`;
    const start = vu.host.now();
    try {
      return fn();
    } finally {
      emit(vu, 'group_duration', vu.host.now() - start, baseTags(vu));
      vu.groupPath = parent;
    }
  }

  function sleep(seconds: number): void {
    requireVuContext(vu, 'sleep()');
    const ms = Number(seconds) * 1000;
    if (ms > 0) vu.host.sleep(ms);
  }

  function fail(message?: string): never {
    throw new Error(message ?? 'fail() called');
  }

  return { check, group, sleep, fail, randomSeed: (_seed: number) => undefined };
}
