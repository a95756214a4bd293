import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const jaccardPrevious = defineMetric({
  name: 'jaccard_previous',
  description: "churn: Jaccard similarity with the same model's list of the day before (1: unchanged)",
  formula: 'S / (size + size_prev − S)',
  higherIsBetter: true,
  horizons: false,
  compute: (f) => ratio(f.sharedWithPrevious, f.size + f.previousSize - f.sharedWithPrevious),
});
