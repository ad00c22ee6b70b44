// wiring: every store of one stack, built from its clients and resource names, for the
// composition roots that use many of them (the local stack, the CLI, the bench). A
// Lambda's root builds only its own (functions/<name>/environment.ts), so that its
// bundle carries no other store. Each store is made on first use and kept: one org tree
// reader and one vault per stack, shared by every store that needs them.
import type { AwsClients } from '../data/aws-clients.js';
import { createDynamoFiguresStore } from '../data/figures-store.js';
import { createDynamoGroupHolds } from '../data/group-holds.js';
import { createDynamoIngestStore } from '../data/ingest-store.js';
import { createDynamoMemberImportStore } from '../data/member-import-store.js';
import { createDynamoOrgTreeReader } from '../data/org-tree.js';
import { createDynamoPersonDataStore } from '../data/person-store.js';
import { createDynamoVault, type MasterSecret, type PersonalVault } from '../data/personal-vault.js';
import { rotateMasterSecret, type MasterRotation } from '../data/master-rotation.js';
import { createSqsDeadLetterQueue, createSqsEventQueue } from '../data/queue-sender.js';
import { createDynamoRecomputeStore } from '../data/recompute-store.js';
import { createDynamoRedriveStore } from '../data/redrive-store.js';
import { createDynamoRemindersStore } from '../data/reminder-store.js';
import type { RunStatusTable } from '../data/run-status.js';
import { createDynamoSendStore } from '../data/send-store.js';
import { createDynamoSourceActivityStore } from '../data/source-activity-store.js';
import type { EventQueue } from '../use-cases/event-queue.js';
import type { ReportReader } from '../use-cases/build-report/port.js';
import type { FiguresStore } from '../use-cases/refresh-figures/port.js';
import type { GroupHolds, IngestStore } from '../use-cases/ingest-event/port.js';
import type { MemberImportStore } from '../use-cases/import-members/port.js';
import type { OrgTreeReader } from '../use-cases/org-tree.js';
import type { PersonDataStore } from '../use-cases/person-data/port.js';
import type { RecomputeStore } from '../use-cases/recompute-figures/port.js';
import type { DeadLetterQueue, RedriveStore } from '../use-cases/redrive/port.js';
import type { RemindersStore } from '../use-cases/run-reminders-job/port.js';
import type { SendStore } from '../use-cases/send-events/port.js';
import type { SourceActivityStore } from '../use-cases/source-activity/port.js';

/** One stack's resources, as its composition root knows them. */
export interface StackResources {
  clients: AwsClients;
  recordsTable: string;
  figuresTable: string;
  ingestQueueUrl: string;
  deadLetterQueueUrl: string;
  /** The notifications topic. */
  topicArn: string;
  masterSecret: MasterSecret;
  /** The local stack: a DLQ message's first sender is the one `send --sender` named (see createSqsDeadLetterQueue). */
  localSenders?: boolean;
}

export interface DynamoStores {
  /** The clients the stores are built on. */
  readonly clients: AwsClients;
  readonly orgTree: OrgTreeReader;
  readonly vault: PersonalVault;
  /** Rotates the personal data master secret (docs/runbook.md); `settleMs`: how long the last look waits. */
  rotateMasterSecret(opts?: { settleMs?: number; log?: (line: string) => void }): Promise<MasterRotation>;
  readonly ingest: IngestStore;
  /** The message groups held behind an event in the dead-letter queue (the ingest parks, `status` lists). */
  readonly holds: GroupHolds;
  /** The figures refresh's store; the report reads through it too. */
  readonly figures: FiguresStore & ReportReader;
  readonly reminders: RemindersStore;
  readonly recompute: RecomputeStore;
  readonly personData: PersonDataStore;
  readonly redrive: RedriveStore;
  readonly send: SendStore;
  /** The Figures table, where the scheduled jobs' heartbeat is kept. */
  readonly runStatus: RunStatusTable;
  /** What each source sent, per day, and when it last did (the ingest counts, `status` reads). */
  readonly sourceActivity: SourceActivityStore;
  readonly ingestQueue: EventQueue;
  readonly deadLetterQueue: DeadLetterQueue;
  /** The bulk import's store; `concurrency`: batch requests in flight at once. */
  memberImport(opts?: { concurrency?: number }): MemberImportStore;
}

/**
 * Every store of one stack.
 * @example
 * const stores = createDynamoStores({
 *   clients: createAwsClients({ region: 'ap-southeast-1' }),
 *   recordsTable: 'dangvien-Records',
 *   figuresTable: 'dangvien-Figures',
 *   ingestQueueUrl,
 *   deadLetterQueueUrl,
 *   topicArn,
 *   masterSecret: fileMasterSecret('.local/personal-data.key'),
 * });
 * const report = await buildReport(stores.figures, 'HP');
 */
export function createDynamoStores(resources: StackResources): DynamoStores {
  const { clients, recordsTable, figuresTable, topicArn } = resources;
  const made = new Map<string, unknown>();
  const once = <T>(name: string, make: () => T): T => {
    if (!made.has(name)) made.set(name, make());
    return made.get(name) as T;
  };
  const records = () => ({ documentClient: clients.documentClient, tableName: recordsTable });
  const tables = () => ({ documentClient: clients.documentClient, recordsTable, figuresTable });
  const stores: DynamoStores = {
    clients,
    get orgTree() {
      return once('orgTree', () => createDynamoOrgTreeReader(records()));
    },
    get vault() {
      return once('vault', () => createDynamoVault({ ...records(), masterSecret: resources.masterSecret }));
    },
    rotateMasterSecret: (opts) => rotateMasterSecret({ ...records(), vault: stores.vault, masterSecret: resources.masterSecret }, opts),
    get ingest() {
      return once('ingest', () => createDynamoIngestStore({ ...records(), vault: stores.vault, orgTree: stores.orgTree }));
    },
    get holds() {
      return once('holds', () =>
        createDynamoGroupHolds({
          ...records(),
          vault: stores.vault,
          deadLetterQueue: createSqsEventQueue({ sqs: clients.sqs, queueUrl: resources.deadLetterQueueUrl }),
        }),
      );
    },
    get figures() {
      return once('figures', () => createDynamoFiguresStore({ ...tables(), orgTree: stores.orgTree }));
    },
    get reminders() {
      return once('reminders', () => createDynamoRemindersStore({ ...tables(), sns: clients.sns, topicArn }));
    },
    get recompute() {
      return once('recompute', () => createDynamoRecomputeStore({ ...tables(), orgTree: stores.orgTree }));
    },
    get personData() {
      return once('personData', () => createDynamoPersonDataStore({ ...records(), figuresTable, vault: stores.vault }));
    },
    get redrive() {
      return once('redrive', () => createDynamoRedriveStore({ ...records(), vault: stores.vault }));
    },
    get send() {
      return once('send', () => createDynamoSendStore({ ...records(), vault: stores.vault }));
    },
    get runStatus() {
      return { documentClient: clients.documentClient, tableName: figuresTable };
    },
    get sourceActivity() {
      return once('sourceActivity', () =>
        createDynamoSourceActivityStore({ documentClient: clients.documentClient, tableName: figuresTable }),
      );
    },
    get ingestQueue() {
      return once('ingestQueue', () => createSqsEventQueue({ sqs: clients.sqs, queueUrl: resources.ingestQueueUrl }));
    },
    get deadLetterQueue() {
      return once('deadLetterQueue', () =>
        createSqsDeadLetterQueue({ sqs: clients.sqs, queueUrl: resources.deadLetterQueueUrl, localSenders: resources.localSenders }),
      );
    },
    memberImport: (opts = {}) =>
      createDynamoMemberImportStore({ ...records(), vault: stores.vault, orgTree: stores.orgTree, figures: stores.figures, ...opts }),
  };
  return stores;
}
