// infra: the partitions of each table that each function reads and writes, for the
// `dynamodb:LeadingKeys` condition of its role (access.ts grantItems). A pattern is a
// partition key, or a prefix ending in `*` (IAM's StringLike). The keys are those of
// shared/data/keys.ts and the stores beside it; test/integration/access-patterns runs the
// functions and checks every partition they touch against these lists, test/infra/stack
// checks that the roles carry them. No CDK import: the integration test reads it too.

import { SOURCES_PARTITION } from '../shared/data/source-activity-store.js';

/** The functions with a role of their own. */
export type FunctionName = 'ingest' | 'figures' | 'reminders' | 'report-api';

/** Partition patterns per table; an empty list: the function does not touch the table. */
export interface TablePartitions {
  readonly records: readonly string[];
  readonly figures: readonly string[];
}

/** The counters of what each source sent. */
export { SOURCES_PARTITION };

/** The entities' own partitions: what the ingest writes and what follows from it. */
const RECORD_ENTITIES = ['MEMBER#*', 'DOSSIER#*', 'TRANSFER#*', 'CANDIDATE#*'] as const;

export const FUNCTION_PARTITIONS: Record<FunctionName, TablePartitions> = {
  // Every partition of Records: the org tree and its counter, the records, the facts, the
  // markers (EVENT#, old and new layout), the rejected and waiting events and a rejected
  // event's links to other persons, the redrive grants, the persons' salts, the erased
  // persons' tombstones, the vault and the message groups held behind an event in the
  // dead-letter queue. Figures: the counters of what each source sent.
  ingest: {
    records: [
      'ORGS',
      'ORGTREE',
      ...RECORD_ENTITIES,
      'FACT#*',
      'EVENT#*',
      'REJECTED',
      'REJECTED-LINK',
      'DEFERRED',
      'REDRIVE',
      // A producer's quota notes (`status`) and its counters: events per minute, rejected bodies kept.
      'QUOTA',
      'QUOTA-COUNT#*',
      'HOLD',
      'PERSON#*',
      'ERASED#*',
      'VAULT',
    ],
    figures: [SOURCES_PARTITION],
  },
  // The org tree and its counter, and a cell's facts: the records themselves come from the
  // stream's images; never a member, a salt, the vault, a marker or a rejected body.
  // Figures: the figures of orgs and the contributions of cells.
  figures: { records: ['ORGS', 'ORGTREE', 'FACT#*'], figures: ['ORG#*', 'CHANGES#*'] },
  // The org tree and the records index byRemindOn can list (reminder-index.ts: dossiers,
  // members, transfers, candidates). Figures: the SENT markers, the day's reminders, the digests, the
  // outbox, the run status, and the sources' counters (the daily silence check).
  reminders: {
    records: ['ORGS', ...RECORD_ENTITIES],
    figures: ['SENT#*', 'REMINDED#*', 'DIGEST#*', 'OUTBOX', 'STATUS', SOURCES_PARTITION],
  },
  // The org tree only (no member, dossier or event), and the figures of orgs.
  'report-api': { records: ['ORGS', 'ORGTREE'], figures: ['ORG#*'] },
};

/** Whether a partition key matches one of the patterns, as IAM's StringLike would. */
export function partitionAllowed(patterns: readonly string[], pk: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? pk.startsWith(p.slice(0, -1)) : pk === p));
}
