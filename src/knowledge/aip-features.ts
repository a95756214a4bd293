import type { KnowledgeView } from './knowledge-view.js';

/** AIP's eight knowledge features, in the order of its weights (DESIGN §3, AIP `prioritize.py`). */
export const AIP_FEATURES = [
  'flows',
  'duration',
  'bytes',
  'packets',
  'mean_flows',
  'mean_duration',
  'mean_bytes',
  'mean_packets',
] as const;

export type AipFeature = (typeof AIP_FEATURES)[number];

/**
 * The eight features of every IP of a view as fresh columns (the caller may overwrite them), in AIP_FEATURES order:
 * totals, then mean_flows = flows / days_active and mean_duration, mean_bytes, mean_packets = total / flows
 * (flows ≥ 1 always: a 0-flow row counts as 1, so no division by zero). O(IPs).
 */
export function aipFeatures(view: KnowledgeView): Float64Array[] {
  const c = view.columns();
  const n = view.size;
  const meanFlows = new Float64Array(n);
  const meanDuration = new Float64Array(n);
  const meanBytes = new Float64Array(n);
  const meanPackets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = c.flows[i]!;
    meanFlows[i] = f / c.daysActive[i]!;
    meanDuration[i] = c.duration[i]! / f;
    meanBytes[i] = c.bytes[i]! / f;
    meanPackets[i] = c.packets[i]! / f;
  }
  return [
    c.flows.slice(),
    c.duration.slice(),
    c.bytes.slice(),
    c.packets.slice(),
    meanFlows,
    meanDuration,
    meanBytes,
    meanPackets,
  ];
}
