export * from './allowlist.js';
export { BOGON_BLOCKS, type BogonBlock, isBogon } from './bogons.js';
export * from './daily-blocklists.js';
export * from './formats/index.js';
export * from './read-allowlist.js';
export * from './score-format.js';
export { checkScoredList, type ScoredList } from './scored-list.js';
