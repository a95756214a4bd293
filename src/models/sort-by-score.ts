// The radix sort lives in util/ (the knowledge stage orders ties with it too); models keep exporting it.
export { sortByScoreDesc } from '../util/sort-by-score.js';
