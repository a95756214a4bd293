import { UsageError } from '../../util/errors.js';

/**
 * A firewall set's base name from a model name: letters, digits and `_` only (other characters become `_`), starting
 * with a letter (else prefixed `aip_`), and at most `maxLength` characters so a suffix such as `-v6` still fits
 * ipset's 31-character limit (IPSET_MAXNAMELEN 32 with the NUL; old kernels give nftables the same limit).
 */
export function firewallSetName(name: string, maxLength = 28): string {
  if (!/[A-Za-z0-9]/.test(name)) throw new UsageError(`cannot make a firewall set name from '${name}'`);
  let out = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z]/.test(out)) out = `aip_${out}`;
  return out.slice(0, maxLength);
}
