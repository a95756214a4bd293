import { parentPort } from 'node:worker_threads';
import { type AipDayJob, AipDayMaker } from './aip-day.js';

/**
 * A synth worker: makes the day tables it is posted, one after the other (a day's compression and write overlap the
 * next day's simulation), and answers each with its result once the file is written, or with its error.
 */
const port = parentPort!;
const maker = new AipDayMaker();
const fail = (d: number, error: unknown) => {
  const e = error as Error;
  port.postMessage({ type: 'error', d, message: e?.message ?? String(error), stack: e?.stack });
};
port.on('message', (job: AipDayJob) => {
  try {
    const made = maker.simulate(job);
    maker.write(job, made).then(
      (result) => port.postMessage({ type: 'done', d: job.d, result }, [result.rows.buffer as ArrayBuffer]),
      (error: unknown) => fail(job.d, error),
    );
  } catch (error) {
    fail(job.d, error);
  }
});
