import { adds } from './adds.js';
import { aipAccuracy } from './aip-accuracy.js';
import { aipFpr } from './aip-fpr.js';
import { aipMcc } from './aip-mcc.js';
import { aipNdcg } from './aip-ndcg.js';
import { aipTn } from './aip-tn.js';
import { aipTnr } from './aip-tnr.js';
import { asnHhi } from './asn-hhi.js';
import { asnTopShare } from './asn-top-share.js';
import { attackers } from './attackers.js';
import { coverageBytes } from './coverage-bytes.js';
import { coverageBytesPerEntry } from './coverage-bytes-per-entry.js';
import { coverageDuration } from './coverage-duration.js';
import { coverageDurationPerEntry } from './coverage-duration-per-entry.js';
import { coverageFlows } from './coverage-flows.js';
import { coverageFlowsPerEntry } from './coverage-flows-per-entry.js';
import { coveragePackets } from './coverage-packets.js';
import { coveragePacketsPerEntry } from './coverage-packets-per-entry.js';
import { f1 } from './f1.js';
import { firstListings } from './first-listings.js';
import { fn } from './fn.js';
import { fp } from './fp.js';
import { fpElsewhere } from './fp-elsewhere.js';
import { fpElsewhereShare } from './fp-elsewhere-share.js';
import { jaccardPrevious } from './jaccard-previous.js';
import { latency } from './latency.js';
import type { Metric } from './metric.js';
import { ndcg } from './ndcg.js';
import { oracleCeiling } from './oracle-ceiling.js';
import { precision } from './precision.js';
import { precisionAtK } from './precision-at-k.js';
import { recall } from './recall.js';
import { recallAtK } from './recall-at-k.js';
import { recallAuc } from './recall-auc.js';
import { recallNew } from './recall-new.js';
import { recallReturning } from './recall-returning.js';
import { recallUnseen } from './recall-unseen.js';
import { removes } from './removes.js';
import { size } from './size.js';
import { tp } from './tp.js';

/** The built-in metrics, in the order of the result files. */
export const BUILTIN_METRICS: readonly Metric[] = [
  size,
  tp,
  fp,
  fn,
  precision,
  recall,
  f1,
  precisionAtK,
  recallAtK,
  recallAuc,
  coverageFlows,
  coveragePackets,
  coverageBytes,
  coverageDuration,
  coverageFlowsPerEntry,
  coveragePacketsPerEntry,
  coverageBytesPerEntry,
  coverageDurationPerEntry,
  ndcg,
  aipNdcg,
  attackers,
  oracleCeiling,
  recallReturning,
  recallNew,
  jaccardPrevious,
  adds,
  removes,
  firstListings,
  latency,
  aipTn,
  aipAccuracy,
  aipTnr,
  aipFpr,
  aipMcc,
  fpElsewhere,
  fpElsewhereShare,
  recallUnseen,
  asnTopShare,
  asnHhi,
];

/** Headline metrics: printed in the summary table and stated in the verdicts. */
export const HEADLINE_METRICS = ['recall', 'precision', 'f1', 'ndcg', 'coverage_flows'] as const;
