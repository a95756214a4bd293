export * from './atomic-write.js';
export * from './dates.js';
export * from './errors.js';
export { canonicalIp, ipSortKey, ipv4ToNumber, isCanonicalIpv4, sortIpIndex } from './ip/index.js';
export * from './number-format.js';
export * from './sha256.js';
