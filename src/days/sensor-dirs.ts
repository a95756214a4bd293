import { canonicalIp } from '../util/ip/index.js';
import { sha256 } from '../util/sha256.js';

/** The folder of the sensors' day tables inside a dataset (`ingest --per-sensor`). */
export const SENSORS_FOLDER = 'sensors';

/** Names Windows will not create, whatever their case or extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const MAX_NAME = 64;

/**
 * The folder name of each sensor id under `sensors/`, safe on every common filesystem and distinct even where names
 * differ only in case (macOS, Windows). An IP address (in canonical form) keeps its text, IPv6 with `-` for `:`
 * (`2001:db8::1` → `2001-db8--1`: one-to-one among addresses). Any other id keeps its letters, digits, `.`, `_` and
 * `-`, others becoming `_`, cut to 64 characters; an id so changed, one starting with `.`, a name Windows reserves,
 * and ids whose names would differ only in case get `~` and 12 hex digits of the id's sha256 appended. The manifest
 * records the mapping (SensorEntry.dir): this function only makes it, deterministically from the set of ids.
 */
export function sensorDirs(ids: readonly string[]): Map<string, string> {
  const base = new Map<string, string>();
  const byFolded = new Map<string, string[]>();
  for (const id of ids) {
    if (base.has(id)) continue;
    let name: string;
    if (canonicalIp(id) === id) name = id.replaceAll(':', '-');
    else {
      name = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_NAME);
      if (name !== id || name === '' || name.startsWith('.') || RESERVED.test(name)) name = hashed(name, id);
    }
    base.set(id, name);
    const folded = name.toLowerCase();
    byFolded.set(folded, [...(byFolded.get(folded) ?? []), id]);
  }
  for (const group of byFolded.values())
    if (group.length > 1)
      for (const id of group) if (!base.get(id)!.includes('~')) base.set(id, hashed(base.get(id)!, id));
  return base;
}

function hashed(name: string, id: string): string {
  return `${name}~${sha256(id).slice(0, 12)}`;
}
