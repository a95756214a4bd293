export type { EnrichSource } from './enrich-sources.js';
export { type IpInfo, type IpLookup, type LoadIpLookupOptions, loadIpLookup } from './ip-lookup.js';
