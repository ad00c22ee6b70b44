// data: the org tree, kept by a warm Lambda between invocations. A city has thousands of
// orgs (4,252 for Hải Phòng's size) and a figures refresh or a report needs the whole
// tree, yet orgs rarely change: every transaction that writes an org also bumps one
// counter item, and a reader checks that item (1 read unit) before reusing its copy.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrgTree } from '../domain/figures/index.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { loadAllOrgs } from './ingest-store.js';
import { orgTreeVersionKey } from './keys.js';

let cached: { table: string; version: number; tree: OrgTree } | undefined;

/** The counter every org-writing transaction bumps (0 before the first). */
async function orgTreeVersion(table: string): Promise<number> {
  const out = await documentClient().send(new GetCommand({ TableName: table, Key: orgTreeVersionKey, ConsistentRead: true }));
  return Number(out.Item?.treeVersion ?? 0);
}

/** The tree as of now: the copy from an earlier call when no org has been written since. */
export async function currentOrgTree(): Promise<OrgTree> {
  const table = config.recordsTable();
  // The counter is read before the orgs: a change landing in between makes the copy
  // look older than it is (one extra reload later), never newer.
  const version = await orgTreeVersion(table);
  if (cached?.table === table && cached.version === version) return cached.tree;
  const orgs = await loadAllOrgs();
  // The figures record the version a subtree was merged under and add deltas only under
  // the same one, so the label must be exact: when an org changed while they were read,
  // the tree carries no version (its merges are full) and is not kept.
  if ((await orgTreeVersion(table)) !== version) return new OrgTree(orgs);
  const tree = new OrgTree(orgs, version);
  cached = { table, version, tree };
  return tree;
}
