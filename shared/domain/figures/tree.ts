// domain/figures: the org tree as the figures see it.

import { createHash } from 'node:crypto';
import type { OrgLevel, OrgRecord } from '../records.js';

/** docs/report.md `organizations`. */
export interface OrganizationCounts {
  /** grassrootsCommittees + grassrootsCells (tổ chức cơ sở đảng). */
  grassroots: number;
  grassrootsCommittees: number;
  grassrootsCells: number;
  /** Level `cell` (chi bộ trực thuộc) only. */
  cells: number;
}

/**
 * The org tree built from the org records, hidden dissolved orgs included (a dissolved
 * org keeps its place: under its `mergedInto` when merged, else under its old parent),
 * so that their history rolls up. Read-only; build a new one after a change.
 * Corrupt data (a cycle in `parentId`) never loops: each walk visits an org once.
 */
export class OrgTree {
  private readonly byId = new Map<string, OrgRecord>();
  private readonly childIds = new Map<string, string[]>();

  /**
   * @param version the org tree's version counter these orgs were read at (undefined: not
   * known for sure); subtree items record it, and a delta merge needs the same one.
   */
  constructor(
    orgs: Iterable<OrgRecord>,
    readonly version?: number,
  ) {
    for (const org of orgs) this.byId.set(org.orgId, org);
    for (const org of [...this.byId.values()].sort((a, b) => compare(a.orgId, b.orgId))) {
      if (org.parentId === null || org.parentId === org.orgId) continue;
      const list = this.childIds.get(org.parentId);
      if (list) list.push(org.orgId);
      else this.childIds.set(org.parentId, [org.orgId]);
    }
  }

  /**
   * What a subtree item's delta merge depends on (docs/architecture.md "An ancestor takes
   * in only what changed"): the tree's shape — each org's parent, level, status and where it
   * merged — and its version being known. An update or a rating of an org moves the tree's
   * version counter (the report's copy must see them) but not this, so it does not make
   * every ancestor's next merge a full one (a rename or a plan moves neither). Undefined when {@link version} is.
   */
  get mergeVersion(): number | undefined {
    if (this.version === undefined) return undefined;
    if (this.shape === undefined) {
      const hash = createHash('sha256');
      for (const o of [...this.byId.values()].sort((a, b) => compare(a.orgId, b.orgId)))
        hash.update(JSON.stringify([o.orgId, o.parentId, o.level, o.status, o.dissolvedOn ?? null, o.mergedInto ?? null]));
      // 48 bits: a safe integer, stored where the counter's value was.
      this.shape = hash.digest().readUIntBE(0, 6);
    }
    return this.shape;
  }
  private shape: number | undefined;

  /** The org record, or undefined for an id that is not registered (an external org). */
  get(orgId: string): OrgRecord | undefined {
    return this.byId.get(orgId);
  }

  has(orgId: string): boolean {
    return this.byId.has(orgId);
  }

  /** Every org record, sorted by orgId. */
  all(): OrgRecord[] {
    return [...this.byId.values()].sort((a, b) => compare(a.orgId, b.orgId));
  }

  /** Orgs with no parent (or whose parent is not registered), sorted by orgId. */
  roots(): OrgRecord[] {
    return this.all().filter((o) => o.parentId === null || o.parentId === o.orgId || !this.byId.has(o.parentId));
  }

  /** The direct children of `orgId`, hidden dissolved ones included, sorted by orgId. */
  children(orgId: string): OrgRecord[] {
    return (this.childIds.get(orgId) ?? []).map((id) => this.byId.get(id)).filter((o): o is OrgRecord => o !== undefined);
  }

  /** The parent chain of `orgId`, nearest first, up to the root (`orgId` itself excluded). */
  ancestors(orgId: string): OrgRecord[] {
    const out: OrgRecord[] = [];
    const seen = new Set<string>([orgId]);
    let parentId = this.byId.get(orgId)?.parentId ?? null;
    while (parentId !== null && !seen.has(parentId)) {
      const parent = this.byId.get(parentId);
      if (!parent) break;
      out.push(parent);
      seen.add(parentId);
      parentId = parent.parentId;
    }
    return out;
  }

  /** Whether `orgId` is `rootId` or lies under it. An unregistered `orgId` is in no subtree. */
  isInSubtree(rootId: string, orgId: string): boolean {
    if (!this.byId.has(orgId)) return false;
    if (orgId === rootId) return true;
    return this.ancestors(orgId).some((a) => a.orgId === rootId);
  }

  /** The ids of the subtree of `rootId` (itself first, then depth-first), hidden orgs included. */
  subtree(rootId: string): string[] {
    if (!this.byId.has(rootId)) return [];
    const out: string[] = [];
    const seen = new Set<string>();
    const stack = [rootId];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      const kids = this.childIds.get(id) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as string);
    }
    return out;
  }

  /**
   * The subtree of `rootId` children first (post-order), for computing subtree figures
   * bottom-up. Without `rootId`: every registered org, each after all its descendants.
   */
  bottomUp(rootId?: string): string[] {
    const roots = rootId === undefined ? this.roots().map((r) => r.orgId) : [rootId];
    const out: string[] = [];
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      out.push(id);
    };
    for (const root of roots) this.subtree(root).reverse().forEach(visit);
    // Orgs only reachable through a cycle (corrupt data): still listed, once.
    if (rootId === undefined) [...this.byId.keys()].sort(compare).forEach(visit);
    return out;
  }

  /**
   * Active orgs of the grassroots and cell levels in the subtree of `rootId`, the root
   * itself included; dissolved orgs are not counted.
   */
  countOrganizations(rootId: string): OrganizationCounts {
    const counts: Record<OrgLevel, number> = {
      province: 0,
      'upper-grassroots': 0,
      'grassroots-committee': 0,
      'sub-committee': 0,
      'grassroots-cell': 0,
      cell: 0,
    };
    for (const id of this.subtree(rootId)) {
      const org = this.byId.get(id);
      if (org && org.status === 'active') counts[org.level] += 1;
    }
    return {
      grassroots: counts['grassroots-committee'] + counts['grassroots-cell'],
      grassrootsCommittees: counts['grassroots-committee'],
      grassrootsCells: counts['grassroots-cell'],
      cells: counts.cell,
    };
  }

  /**
   * The active org that now stands for `cellId`: itself when active, else the end of its
   * `mergedInto` chain. Undefined when the id is not registered or the chain ends in an
   * org dissolved without a merge target (or loops).
   */
  effectiveCell(cellId: string): string | undefined {
    const seen = new Set<string>();
    let id: string | undefined = cellId;
    while (id !== undefined && !seen.has(id)) {
      seen.add(id);
      const org = this.byId.get(id);
      if (!org) return undefined;
      if (org.status === 'active') return org.orgId;
      id = org.mergedInto;
    }
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
