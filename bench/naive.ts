// bench: the naive baseline, the way figures are usually kept first: on every event,
// for every org whose figures the event changes (the cell and each ancestor up to the
// province), read every record its whole subtree holds now and write its figures again.
// It reads the same records (index byCell) and counts them with the same pure domain
// functions as the real figures Lambda, so it gives the same numbers; only the I/O
// differs. To keep the comparison on the safe side it recounts the current figures
// only (members, dossiers, transfers): recounting the yearly facts too would cost it more.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { countCellCurrent, emptyFigures, mergeSubtree, OrgTree, type OrgFigures } from '../shared/domain/figures/index.js';
import { CELL_LEVELS, type DossierRecord, type MemberRecord, type TransferRecord } from '../shared/domain/records.js';
import { eventIdOfMarkerPk } from '../shared/data/keys.js';
import { loadAllOrgs } from '../shared/data/org-records.js';
import type { RecordsTable } from '../shared/data/records-table.js';
import type { FiguresStore } from '../shared/use-cases/refresh-figures/port.js';

/** Where the naive baseline reads: the Records table (the whole tree, each time) and its cells (index byCell). */
export interface NaiveReads {
  records: RecordsTable;
  cells: Pick<FiguresStore, 'queryCellItems'>;
}

export interface NaiveOptions extends NaiveReads {
  /** Where the naive figures go (a table like Figures, so the real ones are untouched). */
  figuresTable: string;
  /** Told when an event's figures are all rewritten: the report would now reflect it. */
  onReflected?: (eventId: string, at: number) => void;
}

type Image = Record<string, AttributeValue> | undefined;
const image = (i: unknown) => (i ? unmarshall(i as Record<string, AttributeValue>) : undefined);

/**
 * A stream handler for the Records table. The records one event's transaction writes
 * arrive together with its marker `EVENT#<source>/<id>` last; each marker closes an event, and
 * the orgs above the cells that event touched are recounted from scratch, one by one.
 */
export function createNaiveFiguresHandler(opts: NaiveOptions) {
  return async (event: DynamoDBStreamEvent) => {
    let cells = new Set<string>();
    let orgs = new Set<string>();
    for (const record of event.Records) {
      const oldImage = image(record.dynamodb?.OldImage as Image);
      const newImage = image(record.dynamodb?.NewImage as Image);
      const item = newImage ?? oldImage;
      const pk = String(item?.pk ?? '');
      if (pk.startsWith('EVENT#')) {
        if (cells.size > 0 || orgs.size > 0) await recountOnEveryEvent(opts, cells, orgs);
        opts.onReflected?.(eventIdOfMarkerPk(pk), Date.now());
        cells = new Set();
        orgs = new Set();
        continue;
      }
      for (const img of [oldImage, newImage]) {
        if (typeof img?.cellKey === 'string') cells.add(img.cellKey.slice('CELL#'.length));
        if (img?.entity === 'fact' && typeof img.cellId === 'string') cells.add(img.cellId);
        if (img?.entity === 'org') orgs.add(String(img.orgId));
      }
    }
    if (cells.size > 0 || orgs.size > 0) await recountOnEveryEvent(opts, cells, orgs);
    return { batchItemFailures: [] };
  };
}

/** Every org on the paths from these cells (and orgs) to the root, each recounted from its whole subtree. */
async function recountOnEveryEvent(opts: NaiveOptions, cells: Set<string>, orgs: Set<string>): Promise<void> {
  const tree = new OrgTree(await loadAllOrgs(opts.records));
  const affected = new Set<string>();
  for (const id of [...cells, ...orgs]) {
    if (!tree.has(id)) continue;
    affected.add(id);
    for (const a of tree.ancestors(id)) affected.add(a.orgId);
  }
  for (const orgId of affected) {
    const figures = await recountSubtree(opts, tree, orgId);
    await opts.records.documentClient.send(
      new PutCommand({
        TableName: opts.figuresTable,
        Item: { pk: `ORG#${orgId}`, sk: 'SUBTREE', orgId, kind: 'subtree', figures, updatedAt: new Date().toISOString() },
      }),
    );
  }
}

/** The current figures of `orgId`'s subtree, from a read of every cell in it. */
export async function recountSubtree(reads: NaiveReads, tree: OrgTree, orgId: string): Promise<OrgFigures> {
  const own = new Map<string, OrgFigures>();
  for (const id of tree.subtree(orgId)) {
    const org = tree.get(id);
    if (!org || !CELL_LEVELS.includes(org.level)) continue;
    const holdings = await reads.cells.queryCellItems(id);
    const of = <T>(entity: string) => holdings.filter((h) => h.stored.entity === entity).map((h) => h.stored.record as T);
    own.set(id, {
      ...emptyFigures(),
      current: countCellCurrent({
        cellId: id,
        members: of<MemberRecord>('member'),
        dossiers: of<DossierRecord>('dossier'),
        transfers: of<TransferRecord>('transfer'),
      }),
    });
  }
  const merged = new Map<string, OrgFigures>();
  for (const id of tree.bottomUp(orgId)) {
    merged.set(
      id,
      mergeSubtree(
        id,
        own.get(id),
        tree.children(id).map((c) => merged.get(c.orgId)),
        (other) => tree.isInSubtree(id, other),
      ),
    );
  }
  return merged.get(orgId) ?? emptyFigures();
}
