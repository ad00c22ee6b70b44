// domain/figures: the figures of a subtree's organizations themselves (docs/report.md
// `organizations.newInYear`, `organizations.privateSector`, `orgRatings`). They are read
// from the org records the report's tree holds, not from the Figures table: a founding
// date, a sector and a rating are properties of an organization, kept on its record, and
// `org.updated` and `org.evaluated` move the tree's version so a warm tree never holds an
// old one.

import type { BusinessDate, OrgSector } from '../records.js';
import type { OrgTree } from './tree.js';
import type { RatingFigures } from './types.js';

/** The sectors `organizations.privateSector` counts: enterprises outside the state sector. */
const PRIVATE_SECTORS: ReadonlySet<OrgSector> = new Set<OrgSector>(['private-enterprise', 'foreign-invested']);

/** docs/report.md `organizations.newInYear`, `organizations.privateSector`. */
export interface OrgProfileCounts {
  /** Orgs of the subtree founded in the year, on or before the day asked (dissolved ones too: they were founded). */
  newInYear: number;
  /** Active orgs of the subtree in a private-enterprise or foreign-invested body, today. */
  privateSector: number;
}

/**
 * The organizations' own figures over the subtree of `rootId` (itself included, hidden
 * dissolved orgs walked too): founded in `year` up to `date`, in the private sector now,
 * and by rating for `year`. A rating counts on 31 December of the year rated, as a
 * member's does, so a report within the year shows none yet.
 */
export function orgFiguresOf(
  tree: OrgTree,
  rootId: string,
  year: number,
  date: BusinessDate,
): { organizations: OrgProfileCounts; orgRatings: RatingFigures } {
  const organizations: OrgProfileCounts = { newInYear: 0, privateSector: 0 };
  const orgRatings: RatingFigures = { excellent: 0, good: 0, completed: 0, notCompleted: 0 };
  const rated = `${year}-12-31` <= date;
  for (const id of tree.subtree(rootId)) {
    const org = tree.get(id);
    if (!org) continue;
    const founded = org.establishedOn ?? '';
    if (founded.startsWith(`${year}-`) && founded <= date) organizations.newInYear += 1;
    if (org.status === 'active' && org.sector !== undefined && PRIVATE_SECTORS.has(org.sector)) organizations.privateSector += 1;
    const rating = rated ? org.orgRatings?.[String(year)] : undefined;
    if (rating !== undefined) orgRatings[rating === 'not-completed' ? 'notCompleted' : rating] += 1;
  }
  return { organizations, orgRatings };
}
