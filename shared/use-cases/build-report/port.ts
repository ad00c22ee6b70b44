// use case buildReport: what the report reads — the org tree, the org records as they are
// now (their names and targets), and the month and nets items the figures refresh writes
// (refresh-figures/port.ts). The report handler and the CLI pass the DynamoDB store
// (shared/data/figures-store.ts).
import type { OrgRecord } from '../../domain/records.js';
import type { FiguresReader } from '../refresh-figures/port.js';
import type { OrgTreeReader } from '../org-tree.js';

export interface ReportReader extends OrgTreeReader, FiguresReader {
  /**
   * The records of these orgs as they are now, read consistently: a rename or a target
   * changes no figure and leaves the tree a warm reader keeps as it was.
   */
  readOrgs(ids: readonly string[]): Promise<Map<string, OrgRecord>>;
}
