// data: which figures a batch of record changes makes stale, read off the stream images.
// Coalesced: a batch of a hundred changes to one cell recounts that cell once.

/** A stream record's images, unmarshalled. */
export interface Change {
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

/** A record that moved into or out of a cell: the recount must see it as it is now. */
export interface Expectation {
  pk: string;
  version: number;
  /** Whether, at `version`, the record counts for the cell. */
  inCell: boolean;
}

export interface StaleCell {
  /** Recount what it holds now (members, dossiers, transfers). */
  current: boolean;
  /** Recount these years' facts. */
  years: Set<number>;
  expectations: Expectation[];
}

export interface Stale {
  cells: Map<string, StaleCell>;
  /** Orgs whose subtree changed shape: they and their ancestors are merged again. */
  orgs: Set<string>;
}

const CELL_PREFIX = 'CELL#';
const cellFrom = (image?: Record<string, unknown>) =>
  typeof image?.cellKey === 'string' && image.cellKey.startsWith(CELL_PREFIX) ? image.cellKey.slice(CELL_PREFIX.length) : undefined;

export function staleFrom(changes: Change[]): Stale {
  const stale: Stale = { cells: new Map(), orgs: new Set() };
  const cell = (id: string) => {
    let s = stale.cells.get(id);
    if (!s) stale.cells.set(id, (s = { current: false, years: new Set(), expectations: [] }));
    return s;
  };
  for (const { oldImage, newImage } of changes) {
    const image = newImage ?? oldImage;
    const entity = image?.entity;
    if (entity === 'member' || entity === 'dossier' || entity === 'transfer') {
      const before = cellFrom(oldImage);
      const after = cellFrom(newImage);
      const pk = String(image?.pk);
      const version = Number(newImage?.version ?? oldImage?.version ?? 0);
      for (const id of new Set([before, after])) {
        if (!id) continue;
        const s = cell(id);
        s.current = true;
        s.expectations.push({ pk, version, inCell: after === id && newImage !== undefined });
      }
    } else if (entity === 'fact') {
      const { cellId, year } = image as { cellId: string; year: number };
      cell(cellId).years.add(Number(year));
    } else if (entity === 'org') {
      for (const img of [oldImage, newImage]) {
        if (typeof img?.parentId === 'string') stale.orgs.add(img.parentId);
      }
      stale.orgs.add(String(image?.orgId));
    }
  }
  return stale;
}
