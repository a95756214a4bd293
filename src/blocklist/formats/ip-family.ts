import { ipFamily } from '../../util/ip/index.js';

/** A list's IPs split by family, rank order kept (canonical texts, see ipFamily). */
export function splitByFamily(ips: readonly string[]): {
  v4: string[];
  v6: string[];
} {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const ip of ips) (ipFamily(ip) === 6 ? v6 : v4).push(ip);
  return { v4, v6 };
}
