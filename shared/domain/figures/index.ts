// domain/figures: every org's figures for its subtree, kept by business date, and the report
// of docs/report.md. Pure domain code: no AWS import, no I/O, no clock.

export * from './types.js';
export * from './catalogue.js';
export * from './contributions.js';
export * from './months.js';
export * from './nets.js';
export * from './codec.js';
export * from './reading.js';
export * from './delta.js';
export * from './tree.js';
export * from './org-figures.js';
export * from './report.js';
export * from './stale.js';
