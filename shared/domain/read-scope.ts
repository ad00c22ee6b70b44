// domain: reads scoped by subtree (docs/security.md "Reads scoped by subtree"). A reader
// of reports — a ward's committee, the city's office — is registered with the orgs whose
// subtrees it may read; it may read the report of an org in them and nothing else. The
// children rows of a report lie in its org's subtree, so they need no check of their own.
import { withinSubtrees, type OrgLookup } from './ingest/scope.js';

/** A registered reader: who it is and the roots of what it may read. */
export interface Reader {
  /** The caller's identity as the API's IAM authorizer names it (`AIDA…`, `AROA…`). */
  identity: string;
  name: string;
  /** Org ids whose subtrees it may read; `*` for the whole tree. */
  orgs: string[];
}

/**
 * Whether a reader registered with `roots` may read the report of `orgId`. An org that
 * does not exist is readable only when named itself (the caller learns nothing it did not
 * hold already), so that "not yours" and "does not exist" look the same to everyone else.
 */
export function mayRead(roots: readonly string[], orgId: string, orgs: OrgLookup): boolean {
  return roots.includes('*') || withinSubtrees(roots, orgId, orgs);
}
