// domain/figures: per-org figures (own and whole-subtree) and the report of docs/report.md.
// Pure domain code: no AWS import, no I/O, no clock.

export * from './types.js';
export * from './count.js';
export * from './merge.js';
export * from './tree.js';
export * from './report.js';
export * from './as-of.js';
export * from './delta.js';
export * from './stale.js';
