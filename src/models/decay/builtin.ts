import { aipConsistentDecay } from './aip-consistent.js';
import { aipNewDecay } from './aip-new.js';
import { aipSeedDecay } from './aip-seed.js';
import { exponentialDecay } from './exponential.js';
import { hyperbolicDecay } from './hyperbolic.js';
import { linearDecay } from './linear.js';
import { noDecay } from './none.js';
import { registerDecay } from './registry.js';
import { stepDecay } from './step.js';

registerDecay(aipConsistentDecay);
registerDecay(aipNewDecay);
registerDecay(hyperbolicDecay);
registerDecay(exponentialDecay);
registerDecay(linearDecay);
registerDecay(stepDecay);
registerDecay(aipSeedDecay);
registerDecay(noDecay);
