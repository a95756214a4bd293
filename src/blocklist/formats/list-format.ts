import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { isDay } from '../../util/dates.js';
import { UsageError } from '../../util/errors.js';
import { checkScoredList, type ScoredList } from '../scored-list.js';

export interface WriteListOptions {
  /** The model's name: the folder under `out` and part of the file name, as in AIP's `data/output/<Model>/`. */
  model: string;
  /** The day the list is for, `YYYY-MM-DD`. */
  date: string;
  /** The output root (AIP's `data/output`). */
  out: string;
  /**
   * The list has no meaningful scores (the Alpha family): the `aip` format writes the single column `attacker`.
   * @default false
   */
  unranked?: boolean;
  /** Base name of the firewall sets (`ipset`, `nft`). @default the model name, sanitized */
  setName?: string;
  /** Optional columns of the `csv` format, in this order (see CSV_COLUMNS). @default none */
  columns?: readonly string[];
  /** Where the `csv` format reads its optional columns from; required when `columns` names any. */
  details?: ListDetails;
}

/** What the `csv` format's optional columns say about one listed IP; an absent field is written as an empty cell. */
export interface ListEntryDetails {
  /** ISO 3166-1 alpha-2 code. */
  country?: string;
  /** Autonomous system number and its organisation's name. */
  asn?: number;
  asName?: string;
  /** First and last day the IP attacked (`YYYY-MM-DD`), and on how many days, before the list's date. */
  firstSeen?: string;
  lastSeen?: string;
  daysSeen?: number;
}

/** Per-IP details for a format's optional columns (see ListEntryDetails). */
export interface ListDetails {
  of(ip: string): ListEntryDetails;
  /**
   * Where the details come from (data packages, versions, the attribution their licences ask for): the `csv`
   * format writes each as a `# ` comment line above its header.
   */
  notes?: readonly string[];
}

/** One file a format produces: its path relative to `out`, and its exact bytes. */
export interface ListFile {
  path: string;
  data: string | Uint8Array;
}

/** An output format for blocklists, registered in `registry.ts`. */
export interface ListFormat {
  name: string;
  description: string;
  /** The files for a list, in memory: the same input always gives the same bytes. */
  render(list: ScoredList, options: WriteListOptions): ListFile[];
  /** Writes the files atomically (temp + rename) and returns their paths. */
  writeList(list: ScoredList, options: WriteListOptions): Promise<string[]>;
}

/** A ListFormat from its renderer: checks the options and the list, then writes what `render` returns. */
export function defineListFormat(spec: Omit<ListFormat, 'writeList'>): ListFormat {
  const render = (list: ScoredList, options: WriteListOptions): ListFile[] => {
    checkWriteListOptions(options);
    checkScoredList(list);
    return spec.render(list, options);
  };
  return {
    name: spec.name,
    description: spec.description,
    render,
    async writeList(list, options) {
      const paths: string[] = [];
      for (const file of render(list, options)) {
        const path = join(options.out, file.path);
        await writeFileAtomic(path, file.data);
        paths.push(path);
      }
      return paths;
    },
  };
}

/** The model name becomes a folder and a file name, so it must be one plain path segment. */
function checkWriteListOptions({ model, date }: WriteListOptions): void {
  if (model === '' || model === '.' || model === '..' || /[/\\\0]/.test(model))
    throw new UsageError(`model name '${model}' cannot be a folder name`);
  if (!isDay(date)) throw new UsageError(`not a YYYY-MM-DD date: '${date}'`);
}
