import { splitByFamily } from './ip-family.js';
import { defineListFormat } from './list-format.js';
import { firewallSetName } from './set-name.js';

/** The nftables table that holds aiplab's sets; a rule that matches `@<name>_v4` must live in it. */
export const NFT_TABLE = 'inet aiplab';

/**
 * An `nft -f` file: `<out>/<Model>/<Model>-<YYYY-MM-DD>.nft` with sets `<name>_v4` (ipv4_addr) and `<name>_v6`
 * (ipv6_addr) in table `inet aiplab`. `nft -f` applies a file as one transaction, so the file declares the table and
 * both sets (a no-op when they exist), flushes them, and adds today's elements: the swap is atomic and keeps any rules
 * in the table. The element list is laid out as `nft list` prints it; an empty set has no `elements` line at all.
 */
export const nftListFormat = defineListFormat({
  name: 'nft',
  description: 'nftables file (sets <name>_v4, <name>_v6 in table inet aiplab): <Model>/<Model>-<date>.nft',
  render(list, { model, date, setName }) {
    const base = firewallSetName(setName ?? model);
    const { v4, v6 } = splitByFamily(list.ips);
    const sets = [
      { name: `${base}_v4`, type: 'ipv4_addr', ips: v4 },
      { name: `${base}_v6`, type: 'ipv6_addr', ips: v6 },
    ];
    const out: string[] = [`# aiplab blocklist for ${date}: ${v4.length} IPv4, ${v6.length} IPv6`];
    out.push(`table ${NFT_TABLE} {`);
    for (const s of sets) out.push(`\tset ${s.name} {`, `\t\ttype ${s.type}`, '\t}');
    out.push('}');
    for (const s of sets) out.push(`flush set ${NFT_TABLE} ${s.name}`);
    const filled = sets.filter((s) => s.ips.length > 0);
    if (filled.length > 0) {
      out.push(`table ${NFT_TABLE} {`);
      for (const s of filled) {
        out.push(`\tset ${s.name} {`, `\t\ttype ${s.type}`);
        out.push(`\t\telements = { ${s.ips.join(',\n\t\t\t     ')} }`);
        out.push('\t}');
      }
      out.push('}');
    }
    return [{ path: `${model}/${model}-${date}.nft`, data: `${out.join('\n')}\n` }];
  },
});
