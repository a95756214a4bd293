import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { processAlive } from '../util/fs-checks.js';

/**
 * The file a synth output is recognised by (and the only thing that lets synth replace a folder): written last, with
 * the options and the list of files. Content alone would not do: a folder of real Zeek logs beside a honeypots.csv
 * looks just like a synth output, and must never be replaced.
 */
export const SYNTH_MARKER = 'aiplab-synth.json';

/** Key of the marker's JSON that says it is one. */
const MARKER_KEY = 'aiplabSynth';

/** `.<name>.aiplab-synth-<pid>-<hex>` (being written) and `.<name>.aiplab-synth-old-<pid>-<hex>` (being replaced). */
function stagingName(name: string, kind: 'new' | 'old', tag: string): string {
  return `.${name}.aiplab-synth-${kind === 'old' ? 'old-' : ''}${tag}`;
}

function stagingPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.aiplab-synth-(old-)?(\\d+)-[0-9a-f]{8}$`);
}

async function exists(path: string): Promise<boolean> {
  return readdir(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}

/** What `dir` holds: nothing (missing or empty), an earlier synth output, or anything else. */
async function folderKind(dir: string): Promise<'none' | 'synth' | 'foreign'> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
  // Hidden names count too: the whole folder is replaced, so a lone .git would be lost.
  if (names.length === 0) return 'none';
  if (!names.includes(SYNTH_MARKER)) return 'foreign';
  try {
    const marker = JSON.parse(await readFile(join(dir, SYNTH_MARKER), 'utf8')) as Record<string, unknown>;
    return typeof marker === 'object' && marker !== null && MARKER_KEY in marker ? 'synth' : 'foreign';
  } catch {
    return 'foreign';
  }
}

/** The marker's text: what was made and how (no paths or times, so the same options give the same bytes). */
export function synthMarkerText(content: Record<string, unknown>): string {
  return `${JSON.stringify({ [MARKER_KEY]: 1, ...content }, null, 2)}\n`;
}

/**
 * Removes the staging folders a killed synth (no cleanup ran) left beside `outDir`. An old output set aside by one
 * killed between its two renames is put back when `outDir` is missing.
 */
async function removeStale(outDir: string): Promise<void> {
  const parent = dirname(outDir);
  const pattern = stagingPattern(basename(outDir));
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    const path = join(parent, name);
    if (m[1] !== undefined && !(await exists(outDir))) await rename(path, outDir);
    else await rm(path, { recursive: true, force: true });
  }
}

function refusal(out: string): UsageError {
  return new UsageError(
    `${out}: is not empty and holds no synth output (no ${SYNTH_MARKER}): refusing to replace it: choose a new or empty folder`,
  );
}

/**
 * Where a synth run writes: a hidden sibling of the output folder, renamed into place once complete, so the output
 * folder is always either the earlier output or the whole new one. A folder that is neither empty nor an earlier
 * synth output is refused before anything is written.
 */
export class SynthStaging {
  /** The folder to write into. */
  readonly dir: string;
  private readonly aside: string;

  private constructor(
    private readonly out: string,
    private readonly outDir: string,
  ) {
    const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const name = basename(outDir);
    this.dir = join(dirname(outDir), stagingName(name, 'new', tag));
    this.aside = join(dirname(outDir), stagingName(name, 'old', tag));
  }

  /**
   * Removes stale staging folders of dead processes, refuses a foreign folder, makes the staging folder.
   * @param out the folder as given (for messages)
   * @param outDir the same, resolved
   */
  static async open(out: string, outDir: string): Promise<SynthStaging> {
    await removeStale(outDir);
    if ((await folderKind(outDir)) === 'foreign') throw refusal(out);
    const staging = new SynthStaging(out, outDir);
    await mkdir(dirname(outDir), { recursive: true });
    await mkdir(staging.dir);
    return staging;
  }

  /** Puts the staging folder in place of the output folder: the earlier output is renamed aside, then removed. */
  async commit(): Promise<void> {
    // Checked again: something may have been put there while synth ran.
    if ((await folderKind(this.outDir)) === 'foreign') throw refusal(this.out);
    let setAside = false;
    // An empty folder is set aside too: renaming onto a folder is not portable.
    if (await exists(this.outDir)) {
      await rename(this.outDir, this.aside);
      setAside = true;
    }
    try {
      await rename(this.dir, this.outDir);
    } catch (error) {
      if (setAside) await rename(this.aside, this.outDir).catch(() => {});
      throw error;
    }
    if (setAside) await rm(this.aside, { recursive: true, force: true });
  }

  /** Removes the staging folder (after a failure or an interruption); the output folder is left as it was. */
  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
