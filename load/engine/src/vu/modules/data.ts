// k6/data: SharedArray. A VU that builds an array hands its JSON to its worker (passed on to the VUs initialised
// after it); a VU given that JSON parses it instead of running the producer. Either way the script gets it frozen.
import { Array, Error, JSON, Object, String } from '../sandbox-builtins.ts';
import type { Dict, VuState } from '../vu-state.ts';

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Dict)) deepFreeze(v);
  }
  return o;
}

export function createDataModule(vu: VuState) {
  const { host } = vu;
  class SharedArray {
    constructor(name: string, producer: () => unknown[]) {
      if (!host.isInitPhase()) throw new Error('SharedArray must be created in the init context');
      if (typeof producer !== 'function') throw new Error('SharedArray needs a function that returns an array');
      const cached = host.sharedArrayGet(String(name));
      let data: unknown;
      if (cached !== '') {
        data = JSON.parse(cached);
      } else {
        data = producer();
        if (!Array.isArray(data)) throw new Error(`SharedArray "${name}": the function must return an array`);
        host.sharedArrayPut(String(name), JSON.stringify(data));
        // A copy through JSON, so this VU sees exactly what the others will parse.
        data = JSON.parse(JSON.stringify(data));
      }
      // A constructor returning an object makes `new SharedArray(...)` evaluate to that (frozen) array.
      return deepFreeze(data) as SharedArray;
    }
  }
  return { SharedArray };
}
