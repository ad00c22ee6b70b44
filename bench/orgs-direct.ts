// bench: the org tree without the queue: each event decided by the same domain code on the
// tree so far, the records and markers the ingest would commit written in batches.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { orgTreeChanged } from '../shared/data/org-records.js';
import type { RecordsTable } from '../shared/data/records-table.js';
import { batchWriteAll } from '../shared/data/dynamo-toolkit.js';
import { markerItem } from '../shared/data/event-marker.js';
import { appliedEvent } from '../shared/domain/ingest/applied-event.js';
import { toItem } from '../shared/data/keys.js';
import { parseEvent } from '../shared/domain/events/index.js';
import { decide } from '../shared/domain/ingest/decide.js';
import { emptyState } from '../shared/domain/ingest/decision-types.js';
import { eventHash } from '../shared/domain/ingest/idempotency.js';
import type { Envelope } from './city.js';

/** Registers the org events as the ingest would, without the queue. */
export async function registerOrgsDirect(table: RecordsTable, events: Envelope[]): Promise<void> {
  const state = emptyState();
  state.allOrgsLoaded = true;
  const records = new Map<string, Record<string, unknown>>();
  const markers: Record<string, unknown>[] = [];
  const appliedAt = new Date().toISOString();
  for (const e of events) {
    const body = JSON.stringify(e);
    const parsed = parseEvent(body);
    if (!parsed.ok) throw new Error(`${e.id}: ${parsed.reason}: ${parsed.message}`);
    const decision = decide(parsed.event, state);
    if (decision.outcome !== 'apply') throw new Error(`${e.id}: ${decision.reason}: ${decision.message}`);
    for (const w of decision.writes) {
      if (w.entity !== 'org') throw new Error(`${e.id}: an org event wrote a ${w.entity}`);
      state.orgs.set(w.record.orgId, w.record);
      const item = toItem(w);
      records.set(`${String(item.pk)}|${String(item.sk)}`, item);
    }
    markers.push(markerItem(appliedEvent(parsed.event, eventHash(parsed.event), appliedAt)));
  }
  const batchWrite = (items: Record<string, unknown>[]) => batchWriteAll(table.documentClient, table.tableName, items, { concurrency: 8 });
  await batchWrite([...records.values()]);
  await batchWrite(markers);
  // As the ingest's transactions do: readers of the tree load it again.
  await table.documentClient.send(new TransactWriteCommand({ TransactItems: [orgTreeChanged(table.tableName)] }));
}
