// The ports' contract suites (test/contract/) on the in-memory stores the unit tests run
// the real use cases on: they keep the promises of the DynamoDB stores
// (test/integration/contract.test.ts runs the same suites on those).
import { randomUUID } from 'node:crypto';
import { ingestStoreContract } from '../contract/ingest-store.contract.js';
import { figuresStoreContract } from '../contract/figures-store.contract.js';
import { InMemoryFiguresStore, InMemoryIngestStore } from '../helpers/in-memory-stores.js';

ingestStoreContract(
  'in memory',
  async () => new InMemoryIngestStore(),
  async (store, senderId, body) => {
    const token = randomUUID();
    store.grant(token, senderId, body);
    return token;
  },
);

figuresStoreContract('in memory', async () => {
  const store = new InMemoryFiguresStore();
  return {
    store,
    async putFact(fact) {
      store.facts.push(structuredClone(fact));
    },
    async putOrg(org) {
      store.putOrg(org);
    },
  };
});
