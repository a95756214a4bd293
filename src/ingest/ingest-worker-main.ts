import { parentPort, workerData } from 'node:worker_threads';
import { AiplabError, DataError, UsageError } from '../util/errors.js';
import { type PartOptions, readPart } from './read-part.js';

/** A worker of a parallel ingest: reads its run of files, reports bytes read, then its PartResult or its error. */
const port = parentPort!;
let pending = 0;
try {
  const result = await readPart(workerData as PartOptions, (n) => {
    pending += n;
    if (pending >= 1 << 20) {
      port.postMessage({ type: 'bytes', n: pending });
      pending = 0;
    }
  });
  port.postMessage({ type: 'bytes', n: pending });
  port.postMessage({ type: 'done', result });
} catch (error) {
  const e = error as Error & { file?: string; line?: number; field?: string };
  const kind = error instanceof UsageError ? 'usage' : error instanceof DataError ? 'data' : 'other';
  port.postMessage({
    type: 'error',
    kind,
    aiplab: error instanceof AiplabError,
    message: e.message,
    stack: e.stack,
    file: e.file,
    line: e.line,
    field: e.field,
  });
}
