// Entry of a synth worker thread: plain JavaScript that loads tsx, then the TypeScript worker (see aip-day.ts).
import { register } from 'tsx/esm/api';

register();
await import('./synth-worker-main.ts');
