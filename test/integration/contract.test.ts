// The ports' contract suites (test/contract/) on the DynamoDB stores, on the emulators:
// the same promises the in-memory stores of the unit tests keep (test/unit/contract.test.ts).
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { keyOf, toItem } from '../../shared/data/keys.js';
import type { StoredRecord } from '../../shared/domain/records.js';
import { figuresStoreContract } from '../contract/figures-store.contract.js';
import { ingestStoreContract } from '../contract/ingest-store.contract.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ figures: false });
});
afterAll(async () => stack?.stop());

/** Puts a record as the ingest's commit leaves its item (its index attributes included). */
async function put(stored: StoredRecord): Promise<string> {
  await stack.clients.documentClient.send(new PutCommand({ TableName: stack.env.RECORDS_TABLE_NAME, Item: toItem(stored) }));
  return keyOf(stored).pk;
}

ingestStoreContract(
  'DynamoDB',
  async () => stack.stores.ingest,
  (_store, senderId, body) => stack.stores.redrive.grantRedrive(senderId, body),
);

figuresStoreContract('DynamoDB', async () => ({
  store: stack.stores.figures,
  putFact: async (record) => void (await put({ entity: 'fact', record })),
  putOrg: async (record) => void (await put({ entity: 'org', record })),
}));
