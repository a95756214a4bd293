/**
 * Errors the CLI maps to exit codes: a UsageError is the caller's mistake (exit 2), a DataError is bad input or an
 * unusable file (exit 1). Both carry a one-line message that names the file, line and field where one is known.
 */
export class AiplabError extends Error {
  override name = 'AiplabError';
}

export class UsageError extends AiplabError {
  override name = 'UsageError';
}

export interface DataErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class DataError extends AiplabError {
  override name = 'DataError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, where: DataErrorLocation = {}) {
    super(formatLocation(where) + message);
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}

/** `file:line: field 'x': ` — the prefix every located message starts with. */
export function formatLocation({ file, line, field }: DataErrorLocation): string {
  let out = '';
  if (file !== undefined) out += `${file + (line !== undefined ? `:${line}` : '')}: `;
  if (field !== undefined) out += `field '${field}': `;
  return out;
}
