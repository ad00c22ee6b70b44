// (adapter) One SQS FIFO batch, its message groups at the same time. A batch of ten
// usually holds several groups (one per person, and `orgs`): Powertools'
// SqsFifoPartialProcessorAsync (2.35) runs every record one after another, so a batch
// took the sum of its records' round trips although only the records of one group
// need to wait for each other.
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

/**
 * Runs `handle` on each record: the records of a message group one after another, in
 * the batch's order, and the groups concurrently. A group stops at its first failure:
 * that record and the group's later ones are reported failed (SQS gives them back in
 * order), the others are deleted, as with Powertools' `skipGroupOnError`. Records
 * without a group (never on a FIFO queue) form one group, which keeps them in order.
 */
export async function processGroupsConcurrently(
  records: readonly SQSRecord[],
  handle: (record: SQSRecord) => Promise<unknown>,
): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? '';
    const list = groups.get(group);
    if (list) list.push(record);
    else groups.set(group, [record]);
  }
  const failed = new Set<string>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const [i, record] of group.entries()) {
        try {
          await handle(record);
        } catch {
          // The handler logged and counted the failure; what SQS needs is which records stay.
          for (const later of group.slice(i)) failed.add(later.messageId);
          return;
        }
      }
    }),
  );
  return { batchItemFailures: records.filter((r) => failed.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
}
