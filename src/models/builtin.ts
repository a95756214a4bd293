import { allIpsModel } from './all-ips.js';
import { alphaModel } from './alpha.js';
import { alpha7Model } from './alpha7.js';
import { cartModel } from './cart.js';
import { paretoModel } from './pareto.js';
import { prioritizeConsistentModel } from './prioritize-consistent.js';
import { prioritizeNewModel } from './prioritize-new.js';
import { randomModel } from './random.js';
import { randomForestModel } from './random-forest.js';
import { registerModel } from './registry.js';
import { topVolumeModel } from './top-volume.js';

// The built-in models; a new one is a file plus one line here (or a registerModel call of its own).
registerModel(alphaModel);
registerModel(alpha7Model);
registerModel(allIpsModel);
registerModel(paretoModel);
registerModel(prioritizeConsistentModel);
registerModel(prioritizeNewModel);
registerModel(topVolumeModel);
registerModel(randomModel);
registerModel(randomForestModel);
registerModel(cartModel);
