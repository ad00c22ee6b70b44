// data: the heartbeat of the scheduled jobs, so that a job that never ran is seen
// (`dangvien status`; in the cloud also the RemindersRunCompleted metric and its alarm).
//
//   table    pk       sk          what
//   Figures  STATUS   RUN#<job>   the last completed run: its business date and when it ended
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './clients.js';
import { config } from './config.js';

export type ScheduledJob = 'reminders';

export interface CompletedRun {
  /** The business date the job ran for. */
  date: string;
  /** When it completed (ISO-8601). */
  completedAt: string;
}

const runKey = (job: ScheduledJob) => ({ pk: 'STATUS', sk: `RUN#${job}` });

/** Records that `job` completed a run for `date`. */
export async function recordCompletedRun(job: ScheduledJob, date: string, completedAt = new Date()): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: config.figuresTable(),
      Item: { ...runKey(job), entity: 'run', job, date, completedAt: completedAt.toISOString() },
    }),
  );
}

/** The last completed run of `job`, if it ever completed one. */
export async function lastCompletedRun(job: ScheduledJob): Promise<CompletedRun | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config.figuresTable(), Key: runKey(job), ConsistentRead: true }));
  return out.Item ? { date: String(out.Item.date), completedAt: String(out.Item.completedAt) } : undefined;
}
