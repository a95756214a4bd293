/**
 * Seeded simulator of honeypot traffic with a known ground truth: Zeek conn logs (hourly, gzip, Zeek's folder
 * layout) or the AIP day tables that ingesting them gives, plus the honeypot list. The population mixes persistent
 * scanners, churning botnet members, SSH brute-forcers with long sessions, returners after gaps of days and one-shot
 * scanners with heavy-tailed volumes, calibrated so yesterday's attackers catch about 40% of today's. Decoy records
 * (to unlisted addresses, from honeypots, to a honeypot before its start date) test that ingest drops them.
 */
export {
  SYNTH_DEFAULTS,
  type SynthDayReport,
  type SynthFormat,
  type SynthHoneypot,
  type SynthOptions,
  type SynthReport,
  synthesize,
} from './synthesize.js';
