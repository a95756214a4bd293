// Entry of an ingest worker thread: plain JavaScript that loads tsx, then the TypeScript worker (see ingest.ts).
import { register } from 'tsx/esm/api';

register();
await import('./ingest-worker-main.ts');
