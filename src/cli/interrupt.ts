/**
 * Ctrl-C (SIGINT) and SIGTERM during a command that cleans up after itself: instead of Node's default of dying on the
 * spot (leaving temporary folders behind), the signal aborts the work, which removes what it made and rejects with an
 * {@link InterruptedError}; the CLI then exits 128 + the signal's number, as a shell expects. A second signal exits at
 * once (a later run removes what is left).
 */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted (${signal})`);
  }

  /** 130 for SIGINT, 143 for SIGTERM. */
  get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }
}

/** Runs `work` with an AbortSignal that SIGINT or SIGTERM aborts (reason: an InterruptedError). */
export async function abortOnSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) process.exit(new InterruptedError(name).exitCode);
    controller.abort(new InterruptedError(name));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
