import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DataError } from '../util/errors.js';

/** Where one kind of enrichment data comes from: the npm package that ships it, and what its licence asks. */
export interface EnrichSource {
  /** What it gives: `asn` (AS number and name) or `country`. */
  kind: 'asn' | 'country';
  /** The npm package, e.g. `@ip-location-db/asn`. */
  package: string;
  /** The installed version (`2.3.YYYYMMDDHH`: the date the data was built). */
  version: string;
  /** Licence of the data, as the package states it. */
  license: string;
  /** The attribution the licence asks of anyone who publishes data derived from it. */
  attribution: string;
}

/** The packages aiplab reads (pinned exactly in src/package.json: the data changes with every version). */
export const ENRICH_PACKAGES = {
  asn: {
    package: '@ip-location-db/asn',
    license: 'CC BY 4.0',
    attribution:
      'IP to ASN data by RouteViews (routeviews.org), DB-IP (db-ip.com) and NRO (nro.net), CC BY 4.0',
  },
  country: {
    package: '@ip-location-db/geo-whois-asn-country',
    license: 'CC0-1.0 (compilation); data CC-BY-4.0 (NRO)',
    attribution:
      'IP to country data by ip-location-db (CC0) from NRO (nro.net) whois and ASN data, CC BY 4.0',
  },
} as const;

/** The link DB-IP's licence asks of a web page that shows results built on its data (the AS data includes it). */
export const DB_IP_LINK = { href: 'https://db-ip.com', text: 'IP Geolocation by DB-IP' } as const;

/**
 * The credit for results built on the AS data (the ASN metrics in summary.txt and the report page): the package
 * with its version when known, the CC BY 4.0 attribution, and DB-IP's link as text.
 */
export function asnCreditLines(version?: string): string[] {
  const spec = ENRICH_PACKAGES.asn;
  return [
    `AS data: ${spec.package}${version ? ` ${version}` : ''}; ${spec.attribution}`,
    `${DB_IP_LINK.text}: ${DB_IP_LINK.href}`,
  ];
}

const require = createRequire(import.meta.url);

/** The installed package of a kind: its folder and its source record. A missing package is a DataError. */
export function enrichPackage(kind: EnrichSource['kind']): { dir: string; source: EnrichSource } {
  const spec = ENRICH_PACKAGES[kind];
  let path: string;
  try {
    path = require.resolve(`${spec.package}/package.json`);
  } catch {
    throw new DataError(
      `the ${kind} data package ${spec.package} is not installed (it is a dependency of aiplab: run npm install)`,
    );
  }
  const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version: string };
  return {
    dir: dirname(path),
    source: { kind, package: spec.package, version, license: spec.license, attribution: spec.attribution },
  };
}
