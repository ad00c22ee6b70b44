// data: the Records table as `dangvien send` reads it (use-cases/send-events): the
// markers and rejections that say what became of each line, and the persons of stored
// dossiers and transfers.
import type { DossierRecord, TransferRecord } from '../domain/records.js';
import type { PersonRef, SendStore } from '../use-cases/send-events/port.js';
import { batchGetAll } from './dynamo-toolkit.js';
import { appliedKeys, findApplied } from './event-marker.js';
import { dossierKey, stripStorage, transferKey } from './keys.js';
import type { PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { listDeferred } from './deferred-events.js';
import { listRejected } from './rejected-events.js';

const keyOfRef = (ref: PersonRef) => ('dossierId' in ref ? dossierKey(ref.dossierId) : transferKey(ref.transferId));

/**
 * The send store on the Records table; `vault` opens the rejected bodies.
 * @example
 * const store = createDynamoSendStore({ documentClient: clients.documentClient, tableName: 'dangvien-Records', vault });
 * const summary = await sendEvents({ store, queue }, lines, { wait: true, timeoutMs: 300_000, warn: console.error });
 */
export function createDynamoSendStore(opts: RecordsTable & { vault: PersonalVault }): SendStore {
  const table: RecordsTable = { documentClient: opts.documentClient, tableName: opts.tableName };
  return {
    findApplied: (key) => findApplied(table, opts.vault, key),
    listRejected: () => listRejected(opts),
    appliedKeys: (keys) => appliedKeys(table, keys),
    listWaiting: () => listDeferred(table),
    async personsOf(refs) {
      const keys = refs.map(keyOfRef);
      const stored = await batchGetAll(
        table.documentClient,
        table.tableName,
        [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()],
        {
          projection: 'pk, personId, memberId',
        },
      );
      const byPk = new Map(
        stored.map((item) => [
          String(item.pk),
          stripStorage<{ personId?: DossierRecord['personId']; memberId?: TransferRecord['memberId'] }>(item),
        ]),
      );
      return keys.map((key) => {
        const record = byPk.get(key.pk);
        return record?.personId ?? record?.memberId;
      });
    },
  };
}
