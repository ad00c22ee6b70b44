// use cases: the one port every use case that needs the org tree reads it through (the
// ingest's scope check, the figures, the report, the reminders job, the import).
import type { OrgTree } from '../domain/figures/tree.js';

export interface OrgTreeReader {
  /**
   * The whole org tree as of this call: the tree's version counter read consistently, a
   * copy kept from an earlier call reused when the tree's shape has not changed since. The
   * tree carries that version (`OrgTree.version`; undefined when an org changed while it
   * was read). A rename or a target does not move the counter: the copy's names and targets
   * may be older than the org records'.
   */
  currentOrgTree(): Promise<OrgTree>;
}
