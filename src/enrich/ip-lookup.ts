import { ipFamily, ipv4ToNumber, ipv6Parts, mappedIpv4 } from '../util/ip/index.js';
import { type AsnData, readAsnData } from './asn-data.js';
import { type CountryData, readCountryData } from './country-data.js';
import { type EnrichSource, enrichPackage } from './enrich-sources.js';

/** What the enrichment data says about one address; a field is absent where the data has nothing. */
export interface IpInfo {
  /** ISO 3166-1 alpha-2 code, e.g. `DE`. */
  country?: string;
  /** Autonomous system number, e.g. 16276. */
  asn?: number;
  /** The AS's organisation name, e.g. `OVH SAS`. */
  asName?: string;
}

/** Offline IP → country and AS lookups over the data of the pinned packages (see docs/enrichment.md). */
export interface IpLookup {
  /** What the data says about `ip` (canonical text, IPv4 or IPv6); `{}` for an address it does not cover. */
  lookup(ip: string): IpInfo;
  /** The AS number of `ip`, or 0 where unknown (AS 0 is not an AS, RFC 7607); 0 too when ASN data was not loaded. */
  asnOf(ip: string): number;
  /** The packages the data came from, with their versions and the attribution they ask for. */
  readonly sources: readonly EnrichSource[];
}

export interface LoadIpLookupOptions {
  /** Load the AS data (number and name). @default true */
  asn?: boolean;
  /** Load the country data. @default true */
  country?: boolean;
}

const loaded: { asn?: Promise<AsnData>; country?: Promise<CountryData> } = {};

/**
 * An IpLookup over the installed data packages. The data (tens of MB of CSV) is read on the first call that needs
 * it and kept for the life of the process, so only the commands that enrich pay for it.
 */
export async function loadIpLookup(options: LoadIpLookupOptions = {}): Promise<IpLookup> {
  const { asn: withAsn = true, country: withCountry = true } = options;
  const sources: EnrichSource[] = [];
  let asn: AsnData | undefined;
  let country: CountryData | undefined;
  if (withAsn) {
    const pkg = enrichPackage('asn');
    sources.push(pkg.source);
    loaded.asn ??= readAsnData(pkg.dir).catch((error: unknown) => {
      loaded.asn = undefined;
      throw error;
    });
    asn = await loaded.asn;
  }
  if (withCountry) {
    const pkg = enrichPackage('country');
    sources.push(pkg.source);
    loaded.country ??= readCountryData(pkg.dir, 'geo-whois-asn-country').catch((error: unknown) => {
      loaded.country = undefined;
      throw error;
    });
    country = await loaded.country;
  }
  return new Lookup(sources, asn, country);
}

class Lookup implements IpLookup {
  readonly #v6 = new Uint32Array(4);

  constructor(
    readonly sources: readonly EnrichSource[],
    private readonly asn: AsnData | undefined,
    private readonly country: CountryData | undefined,
  ) {}

  lookup(ip: string): IpInfo {
    const info: IpInfo = {};
    const address = this.#address(ip);
    if (address === undefined) return info;
    if (this.country) {
      const v = find(this.country.ranges, address);
      if (v >= 0) info.country = this.country.codes[v]!;
    }
    if (this.asn) {
      const v = find(this.asn.ranges, address);
      if (v >= 0 && this.asn.asn[v] !== 0) {
        info.asn = this.asn.asn[v]!;
        info.asName = this.asn.names[this.asn.name[v]!]!;
      }
    }
    return info;
  }

  asnOf(ip: string): number {
    if (!this.asn) return 0;
    const address = this.#address(ip);
    if (address === undefined) return 0;
    const v = find(this.asn.ranges, address);
    return v < 0 ? 0 : this.asn.asn[v]!;
  }

  /** An IPv4 address as a number, an IPv6 one as four words (an IPv4-mapped one as its IPv4), else undefined. */
  #address(ip: string): number | Uint32Array | undefined {
    if (ipFamily(ip) === 4) {
      const n = ipv4ToNumber(ip);
      return n < 0 ? undefined : n;
    }
    const p = ipv6Parts(ip);
    if (p === undefined) return undefined;
    const v4 = mappedIpv4(p);
    if (v4 >= 0) return v4;
    const w = this.#v6;
    for (let k = 0; k < 4; k++) w[k] = p[2 * k]! * 65536 + p[2 * k + 1]!;
    return w;
  }
}

function find(ranges: AsnData['ranges'], address: number | Uint32Array): number {
  return typeof address === 'number' ? ranges.findV4(address) : ranges.findV6(address);
}
