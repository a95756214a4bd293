import { splitByFamily } from './ip-family.js';
import { defineListFormat } from './list-format.js';
import { firewallSetName } from './set-name.js';

/**
 * `hashsize` and `maxelem` by size class: ipset's defaults (1024, 65536) until a set needs more, then the next power
 * of two. `create -exist` only accepts an existing set with the same parameters, so they must not change with every
 * day's count.
 */
export function ipsetSizing(n: number): { hashsize: number; maxelem: number } {
  let maxelem = 65536;
  while (maxelem < n) maxelem *= 2;
  return { hashsize: Math.max(1024, maxelem / 64), maxelem };
}

/**
 * An `ipset restore` file: `<out>/<Model>/<Model>-<YYYY-MM-DD>.ipset` with a `hash:ip` set `<name>` for IPv4 and
 * `<name>-v6` for IPv6. Both are always created (`-exist`: keep an existing one) and flushed, so loading today's file
 * also empties a family that had entries yesterday and has none today.
 */
export const ipsetListFormat = defineListFormat({
  name: 'ipset',
  description: 'ipset restore file (hash:ip sets <name> and <name>-v6): <Model>/<Model>-<date>.ipset',
  render(list, { model, date, setName }) {
    const base = firewallSetName(setName ?? model);
    const { v4, v6 } = splitByFamily(list.ips);
    const sets = [
      { name: base, family: 'inet', ips: v4 },
      { name: `${base}-v6`, family: 'inet6', ips: v6 },
    ];
    const lines: string[] = [];
    for (const { name, family, ips } of sets) {
      const { hashsize, maxelem } = ipsetSizing(ips.length);
      lines.push(`create ${name} hash:ip family ${family} hashsize ${hashsize} maxelem ${maxelem} -exist`);
      lines.push(`flush ${name}`);
    }
    for (const { name, ips } of sets) for (const ip of ips) lines.push(`add ${name} ${ip}`);
    return [
      {
        path: `${model}/${model}-${date}.ipset`,
        data: `${lines.join('\n')}\n`,
      },
    ];
  },
});
