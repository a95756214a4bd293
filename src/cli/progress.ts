import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal and `--quiet` was not given; otherwise nothing at all, so logs and
 * pipes stay clean.
 */
export function createProgress(label: string, quiet: boolean, unit = ''): Progress {
  if (quiet || !process.stderr.isTTY || process.env.CI) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total}${unit} | {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Runs `work` with a progress bar (see createProgress) that is stopped however the work ends. */
export async function withProgress<T>(
  label: string,
  quiet: boolean,
  unit: string,
  work: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const progress = createProgress(label, quiet, unit);
  try {
    return await work((done, total) => progress.update(done, total));
  } finally {
    progress.stop();
  }
}
