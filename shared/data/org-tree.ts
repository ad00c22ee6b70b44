// data: the org tree, kept by a warm Lambda between invocations. A city has thousands of
// orgs (4,252 for Hải Phòng's size) and a figures refresh or a report needs the whole
// tree, yet its shape rarely changes: every transaction that registers, moves or
// dissolves an org also bumps one counter item (org-records.ts), and the reader checks
// that item (1 read unit) before reusing its copy. A rename or a target leaves the counter
// as it was: the copy's names and targets may be older than the records', so a reader that
// shows them reads the records (the report does). One reader per process, shared by every
// store that needs the tree.
import { OrgTree } from '../domain/figures/index.js';
import type { OrgTreeReader } from '../use-cases/org-tree.js';
import { loadAllOrgs, orgTreeVersion } from './org-records.js';
import type { RecordsTable } from './records-table.js';

/**
 * The org tree reader on the Records table: `currentOrgTree()` is the tree as of the call,
 * the copy of an earlier call when no org has been written since.
 * @example
 * const orgTree = createDynamoOrgTreeReader({ documentClient: clients.documentClient, tableName: 'dangvien-Records' });
 * const tree = await orgTree.currentOrgTree();
 */
export function createDynamoOrgTreeReader(table: RecordsTable): OrgTreeReader {
  let cached: { version: number; tree: OrgTree } | undefined;
  return {
    async currentOrgTree() {
      // The counter is read before the orgs: a change landing in between makes the copy
      // look older than it is (one extra reload later), never newer.
      const version = await orgTreeVersion(table);
      if (cached?.version === version) return cached.tree;
      const orgs = await loadAllOrgs(table);
      // The figures record the version a subtree was merged under and add deltas only under
      // the same one, so the label must be exact: when an org changed while they were read,
      // the tree carries no version (its merges are full) and is not kept.
      if ((await orgTreeVersion(table)) !== version) return new OrgTree(orgs);
      const tree = new OrgTree(orgs, version);
      cached = { version, tree };
      return tree;
    },
  };
}
