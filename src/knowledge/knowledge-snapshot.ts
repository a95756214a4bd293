import { formatDay } from '../util/dates.js';
import { DataError } from '../util/errors.js';
import { IP_KEY_WORDS } from '../util/ip/index.js';
import type { DayRows } from './day-rows.js';
import { checkHalfLives } from './ewma-decay.js';
import { IpIndex } from './ip-index.js';
import type { KnowledgeState, UndoLog } from './knowledge-state.js';

/**
 * Knowledge snapshot file: `AIPLABKB` (8 bytes), a little-endian uint32 header length, a JSON header, then the
 * columns as raw little-endian typed arrays, each at an 8-byte aligned offset the header lists. Compact, loads
 * without parsing numbers, and equal states give equal bytes (nothing time- or path-dependent is written).
 * Version 2 added the history columns (runLength, gapSumSq, one EWMA pair per half-life), the observed-day prefix
 * and one undo log per retained day; a version 1 file lacks them, so it is refused (rebuild it from the days).
 */
const MAGIC = 'AIPLABKB';
const FORMAT = 'aiplab-knowledge';
const VERSION = 2;

type Dtype = 'f64' | 'i32' | 'u32' | 'utf8';
type Typed = Float64Array | Int32Array | Uint32Array;

interface SectionEntry {
  name: string;
  dtype: Dtype;
  offset: number;
  byteLength: number;
}

interface Header {
  format: string;
  version: number;
  retainDays: number;
  halfLives: number[];
  n: number;
  firstDay: number | null;
  nextDay: number | null;
  foldedDays: number;
  retained: { day: number; rows: number }[];
  undo: { day: number; sizeBefore: number; rows: number }[];
  sections: SectionEntry[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkEndian(): void {
  if (!LITTLE_ENDIAN) throw new Error('knowledge snapshots need a little-endian machine');
}

function bytesOf(a: Typed): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function concatF64(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((t, p) => t + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function concatI32(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((t, p) => t + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const pad8 = (x: number) => (x + 7) & ~7;

export function encodeKnowledge(s: KnowledgeState): Uint8Array {
  checkEndian();
  const n = s.n;
  const sections: [string, Dtype, Uint8Array][] = [];
  const add = (name: string, dtype: Dtype, data: Typed | Uint8Array) =>
    sections.push([name, dtype, data instanceof Uint8Array ? data : bytesOf(data)]);
  add(
    'ips',
    'utf8',
    Buffer.from(Array.from({ length: s.n }, (_, id) => s.index.text(id, s.ipKeys)).join('\n'), 'utf8'),
  );
  add('ipKeys', 'u32', s.ipKeys.subarray(0, n * IP_KEY_WORDS));
  add('flows', 'f64', s.flows.subarray(0, n));
  add('duration', 'f64', s.duration.subarray(0, n));
  add('bytes', 'f64', s.bytes.subarray(0, n));
  add('packets', 'f64', s.packets.subarray(0, n));
  add('daysActive', 'i32', s.daysActive.subarray(0, n));
  add('firstSeen', 'i32', s.firstSeen.subarray(0, n));
  add('lastSeen', 'i32', s.lastSeen.subarray(0, n));
  add('runLength', 'i32', s.runLength.subarray(0, n));
  add('gapSumSq', 'f64', s.gapSumSq.subarray(0, n));
  s.halfLives.forEach((_, h) => {
    add(`ewmaPresence.${h}`, 'f64', s.ewmaPresence[h]!.subarray(0, n));
    add(`ewmaFlows.${h}`, 'f64', s.ewmaFlows[h]!.subarray(0, n));
  });
  add('missing', 'i32', Int32Array.from(s.missing));
  const days = s.firstDay === undefined || s.nextDay === undefined ? 0 : s.nextDay - s.firstDay + 1;
  add('observed', 'i32', s.observed.subarray(0, days));
  const r = s.retained;
  add('retained.ids', 'i32', concatI32(r.map((d) => d.ids)));
  add('retained.flows', 'f64', concatF64(r.map((d) => d.flows)));
  add('retained.duration', 'f64', concatF64(r.map((d) => d.duration)));
  add('retained.packets', 'f64', concatF64(r.map((d) => d.packets)));
  add('retained.bytes', 'f64', concatF64(r.map((d) => d.bytes)));
  const u = s.undo;
  add('undo.ids', 'i32', concatI32(u.map((l) => l.ids)));
  add('undo.flows', 'f64', concatF64(u.map((l) => l.flows)));
  add('undo.duration', 'f64', concatF64(u.map((l) => l.duration)));
  add('undo.bytes', 'f64', concatF64(u.map((l) => l.bytes)));
  add('undo.packets', 'f64', concatF64(u.map((l) => l.packets)));
  add('undo.lastSeen', 'i32', concatI32(u.map((l) => l.lastSeen)));
  add('undo.runLength', 'i32', concatI32(u.map((l) => l.runLength)));
  add('undo.gapSumSq', 'f64', concatF64(u.map((l) => l.gapSumSq)));
  s.halfLives.forEach((_, h) => {
    add(`undo.ewmaPresence.${h}`, 'f64', concatF64(u.map((l) => l.ewmaPresence[h]!)));
    add(`undo.ewmaFlows.${h}`, 'f64', concatF64(u.map((l) => l.ewmaFlows[h]!)));
  });
  let offset = 0;
  const entries: SectionEntry[] = sections.map(([name, dtype, data]) => {
    const e = { name, dtype, offset, byteLength: data.byteLength };
    offset = pad8(offset + data.byteLength);
    return e;
  });
  const header: Header = {
    format: FORMAT,
    version: VERSION,
    retainDays: s.retainDays,
    halfLives: [...s.halfLives],
    n,
    firstDay: s.firstDay ?? null,
    nextDay: s.nextDay ?? null,
    foldedDays: s.foldedDays,
    retained: r.map((d) => ({ day: d.day, rows: d.ids.length })),
    undo: u.map((l) => ({ day: l.day, sizeBefore: l.sizeBefore, rows: l.ids.length })),
    sections: entries,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = pad8(MAGIC.length + 4 + headerBytes.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  for (let k = 0; k < sections.length; k++) out.set(sections[k]![2], dataStart + entries[k]!.offset);
  return out;
}

export function decodeKnowledge(bytes: Uint8Array, file = '<bytes>'): KnowledgeState {
  checkEndian();
  const bad = (why: string) => new DataError(`not a usable knowledge snapshot: ${why}`, { file });
  if (
    bytes.length < MAGIC.length + 4 ||
    Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') !== MAGIC
  )
    throw bad(`missing the ${MAGIC} signature`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    MAGIC.length,
    true,
  );
  if (MAGIC.length + 4 + headerLength > bytes.length) throw bad('truncated header');
  let header: Header;
  try {
    header = JSON.parse(
      Buffer.from(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)).toString('utf8'),
    ) as Header;
  } catch (error) {
    throw bad(`unreadable header (${(error as Error).message})`);
  }
  if (header.format !== FORMAT) throw bad(`format is '${header.format}', expected '${FORMAT}'`);
  if (header.version !== VERSION) {
    throw bad(
      `snapshot format version ${header.version}, but this aiplab reads only version ${VERSION}: rebuild the ` +
        'knowledge base from the day tables',
    );
  }
  const dataStart = pad8(MAGIC.length + 4 + headerLength);
  const byName = new Map(header.sections.map((e) => [e.name, e]));
  const raw = (name: string, dtype: Dtype, count?: number): Uint8Array => {
    const e = byName.get(name);
    if (!e) throw bad(`section ${name} is missing`);
    if (e.dtype !== dtype) throw bad(`section ${name} has type ${e.dtype}, expected ${dtype}`);
    const start = dataStart + e.offset;
    if (start + e.byteLength > bytes.length) throw bad(`truncated (section ${name} runs past the end)`);
    const size = dtype === 'utf8' ? 1 : dtype === 'f64' ? 8 : 4;
    if (count !== undefined && e.byteLength !== count * size)
      throw bad(`section ${name} holds ${e.byteLength / size} values, expected ${count}`);
    // A copy into a fresh buffer: aligned, and independent of the caller's (a Node Buffer's slice() would share it).
    const copy = new Uint8Array(e.byteLength);
    copy.set(bytes.subarray(start, start + e.byteLength));
    return copy;
  };
  const f64 = (name: string, count: number) => new Float64Array(raw(name, 'f64', count).buffer);
  const i32 = (name: string, count: number) => new Int32Array(raw(name, 'i32', count).buffer);
  const n = header.n;
  const ipsText = Buffer.from(raw('ips', 'utf8')).toString('utf8');
  const ips = n === 0 ? [] : ipsText.split('\n');
  if (ips.length !== n) throw bad(`${ips.length} IPs listed, header says ${n}`);
  const missingSection = byName.get('missing');
  const missing = Array.from(i32('missing', (missingSection?.byteLength ?? 0) / 4));

  const retainedRows = header.retained.reduce((t, d) => t + d.rows, 0);
  const rIds = i32('retained.ids', retainedRows);
  const rCols = ['flows', 'duration', 'packets', 'bytes'].map((c) => f64(`retained.${c}`, retainedRows));
  const retained: DayRows[] = [];
  let at = 0;
  for (const d of header.retained) {
    const take = (a: Float64Array) => a.slice(at, at + d.rows);
    retained.push({
      date: formatDay(d.day),
      day: d.day,
      ids: rIds.slice(at, at + d.rows),
      flows: take(rCols[0]!),
      duration: take(rCols[1]!),
      packets: take(rCols[2]!),
      bytes: take(rCols[3]!),
    });
    at += d.rows;
  }
  for (const d of retained) for (const id of d.ids) if (id < 0 || id >= n) throw bad('row id out of range');

  let halfLives: readonly number[];
  try {
    halfLives = checkHalfLives(header.halfLives);
  } catch (error) {
    throw bad((error as Error).message);
  }
  if (halfLives.length !== header.halfLives.length || halfLives.some((h, k) => h !== header.halfLives[k]))
    throw bad('halfLives are not distinct and ascending');
  const ewmaNames = (prefix: string) => halfLives.map((_, h) => `${prefix}.${h}`);

  const undoRows = header.undo.reduce((t, l) => t + l.rows, 0);
  const uIds = i32('undo.ids', undoRows);
  const uF64 = (name: string) => f64(`undo.${name}`, undoRows);
  const uCols = {
    flows: uF64('flows'),
    duration: uF64('duration'),
    bytes: uF64('bytes'),
    packets: uF64('packets'),
    lastSeen: i32('undo.lastSeen', undoRows),
    runLength: i32('undo.runLength', undoRows),
    gapSumSq: uF64('gapSumSq'),
    ewmaPresence: ewmaNames('undo.ewmaPresence').map((name) => f64(name, undoRows)),
    ewmaFlows: ewmaNames('undo.ewmaFlows').map((name) => f64(name, undoRows)),
  };
  const undo: UndoLog[] = [];
  at = 0;
  for (const l of header.undo) {
    const end = at + l.rows;
    undo.push({
      day: l.day,
      sizeBefore: l.sizeBefore,
      ids: uIds.slice(at, end),
      flows: uCols.flows.slice(at, end),
      duration: uCols.duration.slice(at, end),
      bytes: uCols.bytes.slice(at, end),
      packets: uCols.packets.slice(at, end),
      lastSeen: uCols.lastSeen.slice(at, end),
      runLength: uCols.runLength.slice(at, end),
      gapSumSq: uCols.gapSumSq.slice(at, end),
      ewmaPresence: uCols.ewmaPresence.map((a) => a.slice(at, end)),
      ewmaFlows: uCols.ewmaFlows.map((a) => a.slice(at, end)),
    });
    at = end;
  }
  for (const l of undo) {
    if (l.sizeBefore < 0 || l.sizeBefore > n) throw bad('undo log size out of range');
    for (const id of l.ids) if (id < 0 || id >= l.sizeBefore) throw bad('undo log id out of range');
  }

  const firstDay = header.firstDay ?? undefined;
  const nextDay = header.nextDay ?? undefined;
  const days = firstDay === undefined || nextDay === undefined ? 0 : nextDay - firstDay + 1;
  const observedDays = i32('observed', days);
  if (days > 0 && (observedDays[0] !== 0 || observedDays[days - 1] !== header.foldedDays))
    throw bad('the observed-day prefix does not match foldedDays');
  const observed = new Int32Array(Math.max(256, 2 * days));
  observed.set(observedDays);

  const cap = Math.max(1024, n);
  const widen = <T extends Typed>(a: T, make: (len: number) => T, per = 1): T => {
    const out = make(cap * per);
    out.set(a);
    return out;
  };
  const ipKeys = widen(
    new Uint32Array(raw('ipKeys', 'u32', n * IP_KEY_WORDS).buffer),
    (l) => new Uint32Array(l),
    IP_KEY_WORDS,
  );
  // The index is rebuilt from the keys; each key must be its IP's, and no IP listed twice.
  const index = new IpIndex(cap);
  const check = new Uint32Array(IP_KEY_WORDS);
  for (let id = 0; id < n; id++) {
    const ip = ips[id]!;
    try {
      IpIndex.writeKey(ip, check, 0);
    } catch {
      throw bad(`not an IP address: '${ip}'`);
    }
    for (let w = 0; w < IP_KEY_WORDS; w++)
      if (check[w] !== ipKeys[id * IP_KEY_WORDS + w]) throw bad(`the key of ${ip} does not match it`);
    if (index.find(ip, ipKeys) >= 0) throw bad('an IP is listed twice');
    index.insert(id, ip, ipKeys);
  }
  return {
    retainDays: header.retainDays,
    halfLives,
    n,
    index,
    ipKeys,
    flows: widen(f64('flows', n), (l) => new Float64Array(l)),
    duration: widen(f64('duration', n), (l) => new Float64Array(l)),
    bytes: widen(f64('bytes', n), (l) => new Float64Array(l)),
    packets: widen(f64('packets', n), (l) => new Float64Array(l)),
    daysActive: widen(i32('daysActive', n), (l) => new Int32Array(l)),
    firstSeen: widen(i32('firstSeen', n), (l) => new Int32Array(l)),
    lastSeen: widen(i32('lastSeen', n), (l) => new Int32Array(l)),
    runLength: widen(i32('runLength', n), (l) => new Int32Array(l)),
    gapSumSq: widen(f64('gapSumSq', n), (l) => new Float64Array(l)),
    ewmaPresence: ewmaNames('ewmaPresence').map((name) => widen(f64(name, n), (l) => new Float64Array(l))),
    ewmaFlows: ewmaNames('ewmaFlows').map((name) => widen(f64(name, n), (l) => new Float64Array(l))),
    observed,
    firstDay,
    nextDay,
    missing,
    foldedDays: header.foldedDays,
    retained,
    undo,
  };
}
