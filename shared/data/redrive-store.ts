// data: the Records table as an operator's look at the events that did not apply, and
// their redrive, sees it (use-cases/redrive).
import type { RedriveStore } from '../use-cases/redrive/port.js';
import { listDeferred } from './deferred-events.js';
import { appliedKeys } from './event-marker.js';
import type { PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { deleteRedriveGrant, findRedriveGrant, grantRedrive } from './redrive-grant.js';
import { listQuotasReached } from './quotas.js';
import { deleteRejected, listRejected } from './rejected-events.js';

/**
 * The redrive store on the Records table; `vault` opens the rejected bodies.
 * @example
 * const store = createDynamoRedriveStore({ documentClient: clients.documentClient, tableName: 'dangvien-Records', vault });
 * const waiting = await listWaiting(store);
 */
export function createDynamoRedriveStore(opts: RecordsTable & { vault: PersonalVault }): RedriveStore {
  const table: RecordsTable = { documentClient: opts.documentClient, tableName: opts.tableName };
  return {
    listRejected: () => listRejected(opts),
    listDeferred: () => listDeferred(table),
    deleteRejected: (rejected) => deleteRejected(table, rejected),
    appliedKeys: (keys) => appliedKeys(table, keys),
    grantRedrive: (senderId, body) => grantRedrive(opts, senderId, body),
    grantedSender: async (token, body) => (await findRedriveGrant(opts, token, body))?.senderId,
    revokeRedriveGrant: (token) => deleteRedriveGrant(table, token),
    listQuotasReached: () => listQuotasReached(table),
  };
}
