import { Registry } from '../../util/registry.js';
import { aipListFormat } from './aip.js';
import { csvListFormat } from './csv.js';
import { ipsetListFormat } from './ipset.js';
import type { ListFormat } from './list-format.js';
import { nftListFormat } from './nft.js';
import { txtListFormat } from './txt.js';

const formats = new Registry<ListFormat>('list format');

/**
 * `registerListFormat(format, {override})` refuses a taken name unless told to override; `listFormatNames()` lists
 * them in registration order; `getListFormat(name)`'s error suggests a known name.
 */
export const { add: registerListFormat, names: listFormatNames, get: getListFormat } = formats;

registerListFormat(aipListFormat);
registerListFormat(txtListFormat);
registerListFormat(ipsetListFormat);
registerListFormat(nftListFormat);
registerListFormat(csvListFormat);
