// The ingest without its personal data master secret (personal-vault.ts): the whole batch
// stays on the queue, with an error line and the metric the PersonalDataMasterMissing
// alarm watches — never applied under a new secret, never reported as single failures.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { PERSONAL_DATA_MASTER_MISSING } from '../../infra/constructs/monitoring.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { MasterSecretMissingError } from '../../shared/data/personal-vault.js';
import { metrics } from '../../shared/observability/metrics.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';
import { sqsEventOf } from '../helpers/sqs-events.js';
import { beforeCall } from '../helpers/store-decorators.js';

/** A store whose vault lost its master: every load of a person's record fails as the Records table's would. */
const withoutMaster = (store: InMemoryIngestStore) =>
  beforeCall(store, 'loadNeeds', (needs) => {
    if ((needs.members?.length ?? 0) > 0) throw new MasterSecretMissingError('item VAULT/MASTER of Records');
  });

describe('the ingest without its master secret', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fails the whole invocation, with the alarm metric and an error line', async () => {
    // Prepare: the orgs are in place; a batch of a member's event
    const store = new InMemoryIngestStore();
    const handler = createIngestHandler({
      store: withoutMaster(store),
      loadRegistry: async () => undefined,
      waitBeforeRetry: async () => {},
    });
    await handler(sqsEventOf(baseOrgs().map((body) => ({ body }))), lambdaContext('ingest', 30_000));
    const added = vi.spyOn(metrics, 'addMetric');
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const admitted = validEvent('member.admitted', { data: { memberId: 'M9', orgId: 'C1', dossierId: undefined } });
    // Act
    const invocation = handler(sqsEventOf([{ body: admitted }]), lambdaContext('ingest', 30_000));
    // Assess
    await expect(invocation).rejects.toBeInstanceOf(MasterSecretMissingError);
    expect(added).toHaveBeenCalledWith(PERSONAL_DATA_MASTER_MISSING.metricName, 'Count', 1);
    expect(lines.join('\n')).toContain('personal data master secret missing: the batch stays on the queue');
    expect(store.members.size).toBe(0);
  });
});
