/** A list's IPs split by family, rank order kept (canonical texts: IPv6 and only IPv6 contains `:`). */
export function splitByFamily(ips: readonly string[]): {
  v4: string[];
  v6: string[];
} {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const ip of ips) (ip.includes(':') ? v6 : v4).push(ip);
  return { v4, v6 };
}
