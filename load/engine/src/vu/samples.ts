// How every module puts a sample into the VU's metric sink, tagged as k6 tags it.
import { Object, String } from './sandbox-builtins.ts';
import type { Dict, Tags, VuState } from './vu-state.ts';

/** The tags every sample carries: --tag / options.tags, the scenario's tags, exec.vu.tags, group and scenario. */
export function baseTags(vu: VuState): Tags {
  const tags: Tags = {};
  const { globalTags } = vu.id;
  const { scenarioTags } = vu.current;
  for (const k of Object.keys(globalTags)) tags[k] = String(globalTags[k]);
  for (const k of Object.keys(scenarioTags)) tags[k] = String(scenarioTags[k]);
  for (const k of Object.keys(vu.vuTags)) tags[k] = String(vu.vuTags[k]);
  tags['group'] = vu.groupPath;
  if (vu.current.scenario !== '') tags['scenario'] = vu.current.scenario;
  return tags;
}

/** Adds a script's own tags (a call's `tags` argument), as strings, over `tags`. */
export function withUserTags(tags: Tags, user: unknown): Tags {
  if (user !== null && typeof user === 'object') {
    for (const [k, v] of Object.entries(user as Dict)) tags[k] = String(v);
  }
  return tags;
}

/** `time` defaults to now; HTTP samples carry the time their request ended. */
export function emit(vu: VuState, metric: string, value: number, tags: Tags, time?: number): void {
  vu.samples.push([metric, value, tags, time ?? vu.host.now()]);
}
