import { allIpsModel } from './all-ips.js';
import { alphaModel } from './alpha.js';
import { alpha7Model } from './alpha7.js';
import { cartModel } from './cart.js';
import { ewmaModel } from './ewma.js';
import { paretoModel } from './pareto.js';
import { prioritizeConsistentModel } from './prioritize-consistent.js';
import { prioritizeNewModel } from './prioritize-new.js';
import { randomModel } from './random.js';
import { randomForestModel } from './random-forest.js';
import { recurrenceForestModel } from './recurrence-forest.js';
import { recurrenceGbtModel } from './recurrence-gbt.js';
import { recurrenceLogisticModel } from './recurrence-logistic.js';
import { modelNames, registerModel } from './registry.js';
import { sensorSpreadModel } from './sensor-spread.js';
import { topVolumeModel } from './top-volume.js';

// The built-in models; a new one is a file plus one line here (or a registerModel call of its own). The registry is one
// per process (registry.ts): a second copy of the core loaded in the same process (a module imported beside a
// notebook's required core) finds them registered already and leaves them.
const builtin = (factory: Parameters<typeof registerModel>[0]) => {
  if (!modelNames().includes(factory.name)) registerModel(factory);
};
builtin(alphaModel);
builtin(alpha7Model);
builtin(allIpsModel);
builtin(paretoModel);
builtin(prioritizeConsistentModel);
builtin(prioritizeNewModel);
builtin(topVolumeModel);
builtin(randomModel);
builtin(randomForestModel);
builtin(cartModel);
builtin(ewmaModel);
builtin(recurrenceForestModel);
builtin(recurrenceGbtModel);
builtin(recurrenceLogisticModel);
builtin(sensorSpreadModel);
