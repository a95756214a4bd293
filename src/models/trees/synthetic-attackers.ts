import { ATTACKER_FEATURES } from './attacker-features.js';
import { seededGenerator } from './mix-seed.js';

/** Names of the columns syntheticAttackers makes, in order. */
export const SYNTHETIC_FEATURES = [...ATTACKER_FEATURES, 'noise'] as const;

export interface SyntheticAttackersOptions {
  rows: number;
  /** @default 0 */
  seed?: number;
}

export interface SyntheticAttackers {
  /** One column per SYNTHETIC_FEATURES entry. */
  columns: Float64Array[];
  /** 1: the IP attacks on the next day. */
  labels: Uint8Array;
}

/**
 * A seeded classification problem shaped like the Random Forest's training set (a learner fixture and benchmark
 * input, not a traffic model): heavy-tailed volumes, small whole-day counts, and a noisy label that mostly follows
 * recency and persistence — logit = 0.5 − 2·ln(days since last seen) + 0.8·ln(days active) + 0.25·ln(mean flows) +
 * N(0, 1) noise, about 24% positives; a Bayes-optimal classifier gets about 83% right. 12 columns, the last pure
 * noise.
 */
export function syntheticAttackers(options: SyntheticAttackersOptions): SyntheticAttackers {
  const { rows, seed = 0 } = options;
  const rng = seededGenerator(seed, 0x5eed);
  const uniform = () => ((rng.unsafeNext() >>> 0) + 0.5) / 4_294_967_296;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const geometric = (p: number) => Math.floor(Math.log(uniform()) / Math.log(1 - p));
  const columns = SYNTHETIC_FEATURES.map(() => new Float64Array(rows));
  const [flows, duration, bytes, packets, mFlows, mDuration, mBytes, mPackets, active, since, span, noise] =
    columns as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const daysActive = 1 + geometric(0.35);
    const daysSpan = daysActive - 1 + geometric(0.15);
    const daysSince = 1 + geometric(0.12);
    const perDay = Math.max(1, Math.round(Math.exp(0.8 + 1.4 * normal())));
    const f = perDay * daysActive;
    const pkts = f * Math.max(1, Math.round(Math.exp(1.5 + 0.8 * normal())));
    flows[i] = f;
    duration[i] = f * Math.exp(0.5 + 1.2 * normal());
    packets[i] = pkts;
    bytes[i] = pkts * Math.round(60 + 200 * uniform());
    mFlows[i] = f / daysActive;
    mDuration[i] = duration[i]! / f;
    mBytes[i] = bytes[i]! / f;
    mPackets[i] = pkts / f;
    active[i] = daysActive;
    since[i] = daysSince;
    span[i] = daysSpan;
    noise[i] = normal();
    const logit =
      0.5 - 2 * Math.log(daysSince) + 0.8 * Math.log(daysActive) + 0.25 * Math.log(perDay) + normal();
    labels[i] = uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { columns, labels };
}
