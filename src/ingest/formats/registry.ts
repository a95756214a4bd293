import { UsageError } from '../../util/errors.js';
import { aipFormat } from './aip.js';
import { argusFormat } from './argus.js';
import { cowrieFormat } from './cowrie.js';
import type { InputFormat } from './input-format.js';
import { zeekFormat } from './zeek.js';

const formats = new Map<string, InputFormat>();

/** Adds an input format; a taken name is refused unless `override` is set. */
export function registerInputFormat(format: InputFormat, { override = false } = {}): void {
  if (formats.has(format.name) && !override)
    throw new Error(`input format '${format.name}' is already registered`);
  formats.set(format.name, format);
}

export function inputFormatNames(): string[] {
  return [...formats.keys()];
}

export function getInputFormat(name: string): InputFormat {
  const f = formats.get(name);
  if (f === undefined) {
    throw new UsageError(`unknown input format '${name}' (known: ${inputFormatNames().join(', ')})`);
  }
  return f;
}

registerInputFormat(zeekFormat);
registerInputFormat(cowrieFormat);
registerInputFormat(argusFormat);
registerInputFormat(aipFormat);
