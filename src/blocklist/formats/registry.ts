import { UsageError } from '../../util/errors.js';
import { aipListFormat } from './aip.js';
import { csvListFormat } from './csv.js';
import { ipsetListFormat } from './ipset.js';
import type { ListFormat } from './list-format.js';
import { nftListFormat } from './nft.js';
import { txtListFormat } from './txt.js';

const formats = new Map<string, ListFormat>();

/** Adds an output format; a taken name is refused unless `override` is set. */
export function registerListFormat(format: ListFormat, { override = false } = {}): void {
  if (formats.has(format.name) && !override)
    throw new Error(`list format '${format.name}' is already registered`);
  formats.set(format.name, format);
}

export function listFormatNames(): string[] {
  return [...formats.keys()];
}

export function getListFormat(name: string): ListFormat {
  const f = formats.get(name);
  if (f === undefined)
    throw new UsageError(`unknown list format '${name}' (known: ${listFormatNames().join(', ')})`);
  return f;
}

registerListFormat(aipListFormat);
registerListFormat(txtListFormat);
registerListFormat(ipsetListFormat);
registerListFormat(nftListFormat);
registerListFormat(csvListFormat);
