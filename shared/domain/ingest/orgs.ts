// domain: the rules of the organization events (docs/events.md#organizations).
import type { EventOf } from '../events/index.js';
import { CELL_LEVELS, type OrgLevel, type OrgRecord } from '../records.js';
import { planOf, withPlan } from '../plans.js';
import { apply, bump, reject, retry, type Decision, type LoadedState, type Write } from './decision-types.js';

/** Which levels an active org of each level may hold (docs/events.md#organizations, "may hold"). */
const ALLOWED_CHILDREN: Record<OrgLevel, readonly OrgLevel[]> = {
  province: ['upper-grassroots', 'grassroots-committee', 'grassroots-cell'],
  'upper-grassroots': ['grassroots-committee', 'grassroots-cell'],
  'grassroots-committee': ['sub-committee', 'cell'],
  'sub-committee': ['cell'],
  'grassroots-cell': [],
  cell: [],
};

export function mayHold(parent: OrgLevel, child: OrgLevel): boolean {
  return ALLOWED_CHILDREN[parent].includes(child);
}

export function isCell(org: OrgRecord): boolean {
  return CELL_LEVELS.includes(org.level);
}

/** Whether `candidate` is `orgId` or lies under it (walks up from the candidate). */
function isInSubtree(orgs: Map<string, OrgRecord>, orgId: string, candidate: string): boolean {
  const seen = new Set<string>();
  for (let id: string | null = candidate; id && !seen.has(id); id = orgs.get(id)?.parentId ?? null) {
    if (id === orgId) return true;
    seen.add(id);
  }
  return false;
}

function childrenOf(orgs: Map<string, OrgRecord>, orgId: string): OrgRecord[] {
  return [...orgs.values()].filter((o) => o.parentId === orgId);
}

/** The org itself and every dissolved org merged under it, recursively: where its members may be. */
export function rollsOf(orgs: Map<string, OrgRecord>, orgId: string): string[] {
  const hidden = childrenOf(orgs, orgId).filter((o) => o.status === 'dissolved');
  return [orgId, ...hidden.flatMap((o) => rollsOf(orgs, o.orgId))];
}

/** The active org an event names, or why not. */
function activeOrg(state: LoadedState, orgId: string): OrgRecord | Decision {
  const org = state.orgs.get(orgId);
  if (!org) return retry('missing-org', `organization ${orgId} is not registered (yet)`);
  if (org.status === 'dissolved') return reject('org-dissolved', `organization ${orgId} is dissolved`);
  return org;
}

const isDecision = (x: OrgRecord | Decision): x is Decision => 'outcome' in x;

export function registerOrg(e: EventOf<'org.registered'>, state: LoadedState): Decision {
  const { orgId, parentId, name, level, establishedOn, sector } = e.data;
  if (state.orgs.has(orgId)) return reject('org-exists', `organization ${orgId} is already registered`);
  if (parentId !== null) {
    const parent = activeOrg(state, parentId);
    if (isDecision(parent)) return parent;
    if (!mayHold(parent.level, level)) {
      return reject('bad-parent', `a ${parent.level} cannot hold a ${level}`);
    }
  }
  const record = bump<OrgRecord>(
    {
      orgId,
      parentId,
      name,
      level,
      status: 'active',
      targets: {},
      ...(establishedOn ? { establishedOn } : {}),
      ...(sector ? { sector } : {}),
    },
    undefined,
  );
  return apply({ entity: 'org', record, expectedVersion: null });
}

export function renameOrg(e: EventOf<'org.renamed'>, state: LoadedState): Decision {
  const org = activeOrg(state, e.data.orgId);
  if (isDecision(org)) return org;
  return apply({ entity: 'org', record: bump({ ...org, name: e.data.name }, org), expectedVersion: org.version, sameTree: true });
}

export function setTarget(e: EventOf<'target.set'>, state: LoadedState): Decision {
  const org = activeOrg(state, e.data.orgId);
  if (isDecision(org)) return org;
  const plans = withPlan(org, planOf(e.data));
  return apply({ entity: 'org', record: bump({ ...org, ...plans }, org), expectedVersion: org.version, sameTree: true });
}

/** The first year an org can be rated in: that of its founding, when known. */
const firstRatedYear = (establishedOn: string | undefined): number =>
  establishedOn === undefined ? -Infinity : Number(establishedOn.slice(0, 4));

/**
 * A change of name, sector or founding date (docs/events.md#organizations). It moves no
 * member figure, but the report counts orgs by sector and founding date over the whole
 * subtree from the tree it keeps, so the write moves the tree's version (no `sameTree`).
 */
export function updateOrg(e: EventOf<'org.updated'>, state: LoadedState): Decision {
  const org = activeOrg(state, e.data.orgId);
  if (isDecision(org)) return org;
  const { name, sector, establishedOn } = e.data;
  const rated = Object.keys(org.orgRatings ?? {}).map(Number);
  if (establishedOn !== undefined && rated.some((y) => y < firstRatedYear(establishedOn))) {
    return reject('before-established', `organization ${org.orgId} has a rating for a year before ${establishedOn}`);
  }
  const record = bump<OrgRecord>(
    {
      ...org,
      ...(name !== undefined ? { name } : {}),
      ...(sector !== undefined ? { sector } : {}),
      ...(establishedOn !== undefined ? { establishedOn } : {}),
    },
    org,
  );
  return apply({ entity: 'org', record, expectedVersion: org.version });
}

/**
 * The annual rating of an org (docs/events.md#organizations): a later one for the same
 * year replaces the earlier. Kept on the org record, which the report's tree holds
 * (`orgRatings`), so the write moves the tree's version.
 */
export function evaluateOrg(e: EventOf<'org.evaluated'>, state: LoadedState): Decision {
  const org = activeOrg(state, e.data.orgId);
  if (isDecision(org)) return org;
  const { year, rating } = e.data;
  if (year < firstRatedYear(org.establishedOn)) {
    return reject('before-established', `organization ${org.orgId} was established on ${org.establishedOn}, after ${year}`);
  }
  const orgRatings = { ...org.orgRatings, [String(year)]: rating };
  return apply({ entity: 'org', record: bump({ ...org, orgRatings }, org), expectedVersion: org.version });
}

export function moveOrg(e: EventOf<'org.moved'>, state: LoadedState): Decision {
  const org = activeOrg(state, e.data.orgId);
  if (isDecision(org)) return org;
  const parent = activeOrg(state, e.data.parentId);
  if (isDecision(parent)) return parent;
  if (isInSubtree(state.orgs, org.orgId, parent.orgId)) {
    return reject('cycle', `moving ${org.orgId} under ${parent.orgId} would put it inside itself`);
  }
  if (!mayHold(parent.level, org.level)) return reject('bad-parent', `a ${parent.level} cannot hold a ${org.level}`);
  return apply({ entity: 'org', record: bump({ ...org, parentId: parent.orgId }, org), expectedVersion: org.version });
}

/**
 * A dissolved org stays in the tree as a hidden child: without a merge target under its
 * old parent, so its history still counts there; with one, under the target, so its
 * members, open dossiers and history roll up there "figures and all".
 */
export function dissolveOrg(e: EventOf<'org.dissolved'>, state: LoadedState): Decision {
  const org = activeOrg(state, e.data.orgId);
  if (isDecision(org)) return org;
  const children = childrenOf(state.orgs, org.orgId);
  const { mergedInto, on } = e.data;
  if (mergedInto === undefined) {
    if (children.some((c) => c.status === 'active')) {
      return reject('not-empty', `organization ${org.orgId} still holds organizations; dissolve them or give mergedInto`);
    }
    const rolls = rollsOf(state.orgs, org.orgId);
    const members = rolls.reduce((n, id) => n + (state.activeMembers.get(id) ?? 0), 0);
    if (members > 0)
      return reject(
        'not-empty',
        `organization ${org.orgId} still has ${members} members on its rolls or in transit from it; give mergedInto`,
      );
    // docs/events.md#organizations: no open dossier either. A cell whose count was not loaded counts 0
    // (a loader that does not know `openDossiersOf` yet): see LoadedState.openDossiers.
    const dossiers = rolls.reduce((n, id) => n + (state.openDossiers.get(id) ?? 0), 0);
    if (dossiers > 0)
      return reject('not-empty', `organization ${org.orgId} still has ${dossiers} open dossiers; close them or give mergedInto`);
    const record = bump<OrgRecord>({ ...org, status: 'dissolved', dissolvedOn: on }, org);
    return apply({ entity: 'org', record, expectedVersion: org.version });
  }
  const target = activeOrg(state, mergedInto);
  if (isDecision(target)) return target;
  if (isInSubtree(state.orgs, org.orgId, target.orgId)) {
    return reject('cycle', `${org.orgId} cannot be merged into ${target.orgId}, which lies inside it`);
  }
  if (isCell(org) !== isCell(target)) {
    return reject('bad-parent', `a ${org.level} can only be merged into an org of the same kind, not a ${target.level}`);
  }
  const misfit = children.find((c) => c.status === 'active' && !mayHold(target.level, c.level));
  if (misfit) return reject('bad-parent', `${target.orgId} (${target.level}) cannot hold ${misfit.orgId} (${misfit.level})`);
  const writes: Write[] = [
    {
      entity: 'org',
      record: bump<OrgRecord>({ ...org, status: 'dissolved', dissolvedOn: on, mergedInto, parentId: mergedInto }, org),
      expectedVersion: org.version,
    },
    ...children.map((c): Write => ({ entity: 'org', record: bump({ ...c, parentId: mergedInto }, c), expectedVersion: c.version })),
  ];
  return apply(...writes);
}
