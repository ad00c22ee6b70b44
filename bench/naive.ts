// bench: the naive baseline, the way figures are usually kept first: on every event,
// for every org whose figures the event changes (the cell and each ancestor up to the
// province), read every record its whole subtree holds now (index byCell) and write its
// figures again. It counts the members and open dossiers of now, the way the report
// gives them for today, so that the two can be compared; only the I/O differs. To keep
// the comparison on the safe side it counts nothing else: recounting the yearly facts and
// any past date too would cost it more.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { MEMBER_FIGURES, OrgTree, type DossierStepFigures, type MemberFigures } from '../shared/domain/figures/index.js';
import { CELL_LEVELS, type StoredRecord } from '../shared/domain/records.js';
import { queryAll } from '../shared/data/dynamo-toolkit.js';
import { cellPartition, eventIdOfMarkerPk, storedRecordOf } from '../shared/data/keys.js';
import { loadAllOrgs } from '../shared/data/org-records.js';
import type { RecordsTable } from '../shared/data/records-table.js';

/** Where the naive baseline reads: the Records table (the whole tree, each time, and index byCell). */
export interface NaiveReads {
  records: RecordsTable;
}

/** What the naive baseline counts: the members and open dossiers of now. */
export interface NaiveFigures {
  members: MemberFigures;
  dossiers: { open: number; byStep: DossierStepFigures };
}

const emptyNaive = (): NaiveFigures => ({
  members: Object.fromEntries(MEMBER_FIGURES.map((f) => [f, 0])) as unknown as MemberFigures,
  dossiers: { open: 0, byStep: { received: 0, processing: 0, reported: 0, reviewed: 0 } },
});

/** Adds what one record a cell holds now counts there (the rules of docs/report.md, for today). */
function countInto(into: NaiveFigures, cellId: string, stored: StoredRecord): void {
  const m = into.members;
  if (stored.entity === 'member') {
    const member = stored.record;
    if (member.cellId !== cellId || (member.status !== 'official' && member.status !== 'probationary')) return;
    m.total += 1;
    if (member.status === 'official') m.official += 1;
    else m.probationary += 1;
    for (const trait of ['female', 'youthUnion', 'ethnicMinority', 'religious'] as const) if (member.traits[trait]) m[trait] += 1;
    if (member.exemptedOn !== undefined) m.exempted += 1;
  } else if (stored.entity === 'dossier') {
    const d = stored.record;
    if (d.cellId !== cellId || d.status !== 'open') return;
    into.dossiers.open += 1;
    into.dossiers.byStep[d.step] += 1;
  } else if (stored.entity === 'transfer') {
    const t = stored.record;
    if (t.status === 'issued' && t.fromOrgId === cellId && !t.toExternal && t.kind === 'official') m.inTransit += 1;
    else if (t.status === 'received' && t.kind === 'temporary' && t.toOrgId === cellId) m.temporaryAttendees += 1;
  }
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

/** The members and open dossiers of `orgId`'s subtree now, from a read of every cell in it. */
export async function recountSubtree(reads: NaiveReads, tree: OrgTree, orgId: string): Promise<NaiveFigures> {
  const out = emptyNaive();
  for (const id of tree.subtree(orgId)) {
    const org = tree.get(id);
    if (!org || !CELL_LEVELS.includes(org.level)) continue;
    const { items } = await queryAll(reads.records.documentClient, {
      TableName: reads.records.tableName,
      IndexName: 'byCell',
      KeyConditionExpression: 'cellKey = :c',
      ExpressionAttributeValues: { ':c': cellPartition(id) },
    });
    for (const item of items) {
      const stored = storedRecordOf(item);
      if (stored) countInto(out, id, stored);
    }
  }
  return out;
}
