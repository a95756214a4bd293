import { UsageError } from '../../util/errors.js';
import { Registry } from '../../util/registry.js';
import { aipFormat } from './aip.js';
import { argusFormat } from './argus.js';
import { cowrieFormat } from './cowrie.js';
import type { InputFormat, ReaderOptions } from './input-format.js';
import { nfdumpFormat } from './nfdump.js';
import { suricataFormat } from './suricata.js';
import { zeekFormat } from './zeek.js';

const formats = new Registry<InputFormat>('input format');

/**
 * `registerInputFormat(format, {override})` refuses a taken name unless told to override; `inputFormatNames()` lists
 * them in registration order; `getInputFormat(name)`'s error suggests a known name.
 */
export const { add: registerInputFormat, names: inputFormatNames, get: getInputFormat } = formats;

/**
 * The reader options as the format reads them: each given option must be one the format takes, with a value it
 * accepts; unset ones stay unset (the format's default). Returns a copy without undefined keys (what the manifest
 * records).
 */
export function checkReaderOptions(format: InputFormat, reader: ReaderOptions = {}): ReaderOptions {
  const out: ReaderOptions = {};
  for (const [key, value] of Object.entries(reader) as [keyof ReaderOptions, string | undefined][]) {
    if (value === undefined) continue;
    const flag = `--${key}`;
    const taken = format.options ?? {};
    if (!(key in taken)) throw new UsageError(`${flag} is not an option of ${format.name} input`);
    const values = taken[key];
    if (values !== undefined && !values.includes(value))
      throw new UsageError(
        `${flag} of ${format.name} input must be one of ${values.join(', ')}, not '${value}'`,
      );
    out[key] = value;
  }
  return out;
}

registerInputFormat(zeekFormat);
registerInputFormat(cowrieFormat);
registerInputFormat(argusFormat);
registerInputFormat(aipFormat);
registerInputFormat(suricataFormat);
registerInputFormat(nfdumpFormat);
