// data: the heartbeat of the scheduled jobs, so that a job that never ran is seen
// (`dangvien status`; in the cloud also the RemindersRunCompleted metric and its alarm).
//
//   table    pk       sk          what
//   Figures  STATUS   RUN#<job>   the last completed run: its business date and when it ended
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CompletedRun, ScheduledJob } from '../use-cases/status/port.js';

/** The Figures table, where the heartbeat is kept. */
export interface RunStatusTable {
  documentClient: DynamoDBDocumentClient;
  /** The Figures table's name. */
  tableName: string;
}

const runKey = (job: ScheduledJob) => ({ pk: 'STATUS', sk: `RUN#${job}` });

/** Records that `job` completed a run for `date`. */
export async function recordCompletedRun(
  { documentClient, tableName }: RunStatusTable,
  job: ScheduledJob,
  date: string,
  completedAt = new Date(),
): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...runKey(job), entity: 'run', job, date, completedAt: completedAt.toISOString() },
    }),
  );
}

/** The last completed run of `job`, if it ever completed one. */
export async function lastCompletedRun(
  { documentClient, tableName }: RunStatusTable,
  job: ScheduledJob,
): Promise<CompletedRun | undefined> {
  const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: runKey(job), ConsistentRead: true }));
  return out.Item ? { date: String(out.Item.date), completedAt: String(out.Item.completedAt) } : undefined;
}
