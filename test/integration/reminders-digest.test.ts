// The reminders job reaching the committee, on the emulators (docs/reminders.md): every reminder
// published with kind, orgId and orgPath; one digest per subscribed org and day, read as
// a person reads it, delivered through SNS filter policies to its org's subscribers only,
// once, and again after a crash only if it was never published.
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { remindersDependencies } from '../../functions/reminders/environment.js';
import { createRemindersHandler } from '../../functions/reminders/handler.js';
import { emulatorEnvironment } from '../../local/use-emulators.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, dynamoClient, snsClient, sqsClient } from '../helpers/emulators.js';
import { DAY_ITEMS_TTL_DAYS } from '../../shared/data/reminder-store.js';
import { scanAll } from '../../shared/data/dynamo-toolkit.js';
import { addDays } from '../../shared/domain/dates.js';
import { vietnameseDate } from '../../shared/domain/vietnamese.js';
import type { Reminder } from '../../shared/domain/reminders.js';
import { DEFAULT_LEASE_MS, runRemindersJob } from '../../shared/use-cases/run-reminders-job/index.js';
import { validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { remindersStoreWith } from '../helpers/store-decorators.js';

/** A name no digest may ever contain, and a birth date to match. */
const DISTINCTIVE_NAME = 'Lò Thị Xuyếnh Độcnhất';
const DISTINCTIVE_BIRTH = '1987-06-05';

const org = (orgId: string, parentId: string | null, name: string, level: string) =>
  validEvent('org.registered', { data: { orgId, parentId, name, level: level as never } });

/** A dossier of `orgId` whose reminder falls `daysBefore` days before its deadline on `on`. */
const dossierDueIn = (dossierId: string, orgId: string, on: string, daysBefore: number) =>
  validEvent('dossier.received', {
    data: {
      dossierId,
      personId: `P-${dossierId}`,
      orgId,
      receivedOn: addDays(on, daysBefore - 60),
      profile: validProfile({ fullName: DISTINCTIVE_NAME, birthDate: DISTINCTIVE_BIRTH, ethnicity: 'Thái', religion: 'Phật giáo' }),
    },
  });

/** A queue subscribed to the stack's topic with `filterPolicy`, raw delivery as the CDK stack sets for SQS. */
async function subscribedQueue(topicArn: string, filterPolicy: object): Promise<string> {
  const created = await sqsClient().send(new CreateQueueCommand({ QueueName: `sub-${randomUUID().slice(0, 8)}` }));
  const url = created.QueueUrl!;
  const attrs = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  await snsClient().send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: attrs.Attributes!.QueueArn,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(filterPolicy) },
    }),
  );
  return url;
}

/** Everything a queue holds now, removed from it. */
async function drain(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages);
    await sqsClient().send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

const attribute = (m: Message, name: string) => m.MessageAttributes?.[name];

describe('reaching the committee', () => {
  let stack: TestStack;
  let hbDigests: string;
  let lcDigests: string;
  const DAY = '2026-11-23';

  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    // Prepare: Hải Phòng > Hồng Bàng > phường Hoàng Văn Thụ > two cells; Lê Chân > one cell.
    await stack.send([
      org('HP', null, 'Đảng bộ thành phố Hải Phòng', 'province'),
      org('HB', 'HP', 'Đảng bộ quận Hồng Bàng', 'upper-grassroots'),
      org('HB-P1', 'HB', 'Đảng bộ phường Hoàng Văn Thụ', 'grassroots-committee'),
      org('HB-P1-C1', 'HB-P1', 'Chi bộ khu phố 1', 'cell'),
      org('HB-P1-C2', 'HB-P1', 'Chi bộ khu phố 2', 'cell'),
      org('HB-P1-C3', 'HB-P1', 'Chi bộ khu phố 3', 'cell'),
      org('LC', 'HP', 'Đảng bộ quận Lê Chân', 'upper-grassroots'),
      org('LC-C1', 'LC', 'Chi bộ Chợ Con', 'grassroots-cell'),
    ]);
    await stack.settle();
    await stack.send([
      dossierDueIn('D-HB-1', 'HB-P1-C1', DAY, 15),
      dossierDueIn('D-HB-2', 'HB-P1-C2', DAY, 7),
      // C3 is merged into C1: its dossier's reminder goes to C1.
      dossierDueIn('D-HB-3', 'HB-P1-C3', DAY, 3),
      dossierDueIn('D-LC-1', 'LC-C1', DAY, 15),
    ]);
    await stack.settle();
    await stack.send([validEvent('org.dissolved', { data: { orgId: 'HB-P1-C3', on: '2026-07-01', mergedInto: 'HB-P1-C1' } })]);
    await stack.settle();
    hbDigests = await subscribedQueue(stack.env.NOTIFICATIONS_TOPIC_ARN!, { kind: ['digest'], digestFor: ['HB'] });
    lcDigests = await subscribedQueue(stack.env.NOTIFICATIONS_TOPIC_ARN!, { kind: ['digest'], digestFor: ['LC'] });
  });
  afterAll(async () => stack?.stop());

  it('publishes each reminder with kind, orgId and the org path from the root, a merged cell under its successor', async () => {
    // Act
    const run = await runRemindersJob(stack.stores.reminders, DAY, { digestOrgs: ['HB', 'LC'] });
    const delivered = await drain(stack.env.NOTIFICATIONS_QUEUE_URL!);

    // Assess
    const reminders = delivered.filter((m) => attribute(m, 'kind')?.StringValue !== 'digest');
    expect(reminders).toHaveLength(4);
    const bySubject = new Map(reminders.map((m) => [(JSON.parse(m.Body!) as Reminder).subjectId, m]));
    const hb3 = bySubject.get('D-HB-3')!;
    expect(JSON.parse(hb3.Body!)).toMatchObject({ kind: 'dossier.dueSoon', orgId: 'HB-P1-C1', daysLeft: 3, threshold: 3 });
    expect(attribute(hb3, 'kind')).toMatchObject({ DataType: 'String', StringValue: 'dossier.dueSoon' });
    expect(attribute(hb3, 'orgId')).toMatchObject({ DataType: 'String', StringValue: 'HB-P1-C1' });
    expect(attribute(hb3, 'orgPath')).toMatchObject({ DataType: 'String.Array' });
    expect(JSON.parse(attribute(hb3, 'orgPath')!.StringValue!)).toEqual(['HP', 'HB', 'HB-P1', 'HB-P1-C1']);
    expect(JSON.parse(attribute(bySubject.get('D-LC-1')!, 'orgPath')!.StringValue!)).toEqual(['HP', 'LC', 'LC-C1']);
    // The two digests went out too, after the reminders.
    expect(run.digests.map((d) => d.digestFor)).toEqual(['HB', 'LC']);
    const digests = delivered.filter((m) => attribute(m, 'kind')?.StringValue === 'digest');
    expect(digests.map((m) => attribute(m, 'digestFor')?.StringValue).sort()).toEqual(['HB', 'LC']);
  });

  it("delivers Hồng Bàng's digest to Hồng Bàng's subscriber only: org names, kinds in words, dd/mm/yyyy, no personal data", async () => {
    // Act
    const [hb, ...moreHb] = await drain(hbDigests);
    const lc = await drain(lcDigests);

    // Assess
    expect(moreHb).toEqual([]);
    const text = hb!.Body!;
    expect(attribute(hb!, 'kind')?.StringValue).toBe('digest');
    expect(attribute(hb!, 'digestFor')?.StringValue).toBe('HB');
    expect(text).toContain(`Nhắc việc ngày ${vietnameseDate(DAY)}`);
    expect(text).toContain('Đảng bộ quận Hồng Bàng (HB): 3 việc cần theo dõi ở 2 chi bộ.');
    expect(text).toContain('1. Chi bộ khu phố 1 (HB-P1-C1), thuộc Đảng bộ phường Hoàng Văn Thụ (HB-P1)');
    expect(text).toContain(
      `Hồ sơ sắp đến hạn: hồ sơ kết nạp D-HB-3, hạn giải quyết ${vietnameseDate(addDays(DAY, 3))}, còn 3 ngày (mốc nhắc trước 3 ngày)`,
    );
    expect(text).toContain(
      `Hồ sơ sắp đến hạn: hồ sơ kết nạp D-HB-2, hạn giải quyết ${vietnameseDate(addDays(DAY, 7))}, còn 7 ngày (mốc nhắc trước 7 ngày)`,
    );
    expect(text).not.toContain('D-LC-1');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    for (const personal of [
      DISTINCTIVE_NAME,
      'Xuyếnh',
      'Độcnhất',
      DISTINCTIVE_BIRTH,
      vietnameseDate(DISTINCTIVE_BIRTH),
      'Thái',
      'Phật giáo',
      'P-D-HB',
    ]) {
      expect(text).not.toContain(personal);
    }
    // Lê Chân's subscriber gets Lê Chân's digest, and no reminder.
    expect(lc).toHaveLength(1);
    expect(lc[0]!.Body).toContain('Đảng bộ quận Lê Chân (LC): 1 việc cần theo dõi ở 1 chi bộ.');
    expect(lc[0]!.Body).not.toContain('Hồng Bàng');
  });

  it('sends a digest once per org and day: a second run that day, or a day with nothing, sends none', async () => {
    // Act
    const again = await runRemindersJob(stack.stores.reminders, DAY, { digestOrgs: ['HB', 'LC'] });
    const quiet = await runRemindersJob(stack.stores.reminders, addDays(DAY, 1), { digestOrgs: ['HB', 'LC'] });

    // Assess
    expect(again).toMatchObject({ reminders: [], digests: [] });
    expect(quiet).toMatchObject({ reminders: [], digests: [] });
    // Nothing that day: the org tree is not even read.
    expect(quiet.read.orgs).toBe(0);
    expect(await drain(hbDigests)).toEqual([]);
    expect(await drain(lcDigests)).toEqual([]);
    expect(await drain(stack.env.NOTIFICATIONS_QUEUE_URL!)).toEqual([]);
  });

  it("lets DynamoDB delete a day's reminder list and digest markers 90 days after the day, and nothing else the job keeps", async () => {
    // Act
    const ttl = await dynamoClient().send(new DescribeTimeToLiveCommand({ TableName: stack.env.FIGURES_TABLE_NAME }));
    const items: Array<Record<string, unknown>> = [];
    await scanAll(stack.clients.documentClient, stack.env.FIGURES_TABLE_NAME!, (item) => {
      if (/^(REMINDED|DIGEST|SENT)#/.test(String(item.pk))) items.push(item);
    });

    // Assess
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const ninetyDaysAfterDay = Date.parse(`${addDays(DAY, DAY_ITEMS_TTL_DAYS)}T00:00:00Z`) / 1000;
    const ofDay = items.filter((i) => String(i.pk) === `REMINDED#${DAY}` || String(i.pk) === `DIGEST#${DAY}`);
    expect(ofDay.length).toBeGreaterThanOrEqual(6);
    for (const item of ofDay) expect(item.expiresAt).toBe(ninetyDaysAfterDay);
    // The SENT markers are what keeps a reminder from going out twice: they never expire.
    const sent = items.filter((i) => String(i.pk).startsWith('SENT#'));
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const item of sent) expect(item.expiresAt).toBeUndefined();
  });

  it('after a crash between recording a reminder and publishing it, the digest still lists every reminder of the day, once', async () => {
    // Prepare: two Hồng Bàng dossiers reach a threshold on the next day; the run crashes
    // after publishing the first and recording the second.
    const next = addDays(DAY, 2);
    await stack.send([dossierDueIn('D-HB-4', 'HB-P1-C1', next, 15), dossierDueIn('D-HB-5', 'HB-P1-C2', next, 15)]);
    await stack.settle();
    let recorded = 0;
    const crashing = createRemindersHandler({
      store: remindersStoreWith(stack.stores.reminders, {
        afterRecord: () => {
          recorded += 1;
          if (recorded === 2) throw new Error('injected crash between record and publish');
        },
      }),
      digestOrgs: ['HB'],
      options: { concurrency: 1 },
    });
    const afterLease = () => Date.now() + DEFAULT_LEASE_MS + 1_000;

    // Act
    await expect(crashing({ date: next }, {} as never)).rejects.toThrow('injected crash');
    const afterCrash = await drain(hbDigests);
    const recovery = await runRemindersJob(stack.stores.reminders, next, { digestOrgs: ['HB'], now: afterLease });
    const digests = await drain(hbDigests);

    // Assess
    expect(afterCrash).toEqual([]);
    expect(recovery.recovered).toBe(1);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.Body).toContain('Đảng bộ quận Hồng Bàng (HB): 2 việc cần theo dõi ở 2 chi bộ.');
    expect(digests[0]!.Body).toContain('hồ sơ kết nạp D-HB-4');
    expect(digests[0]!.Body).toContain('hồ sơ kết nạp D-HB-5');
    await drain(stack.env.NOTIFICATIONS_QUEUE_URL!);
  });

  it('after a crash between recording a digest and publishing it, a later run publishes that very digest, once', async () => {
    // Prepare: a Lê Chân dossier reaches its threshold; the run crashes right after recording the digest.
    const later = addDays(DAY, 4);
    await stack.send([dossierDueIn('D-LC-2', 'LC-C1', later, 15)]);
    await stack.settle();
    const crashing = createRemindersHandler({
      store: remindersStoreWith(stack.stores.reminders, {
        afterRecordDigest: () => {
          throw new Error('injected crash between record and publish');
        },
      }),
      digestOrgs: ['LC'],
    });
    const afterLease = () => Date.now() + DEFAULT_LEASE_MS + 1_000;

    // Act
    await expect(crashing({ date: later }, {} as never)).rejects.toThrow('injected crash');
    const afterCrash = await drain(lcDigests);
    const withinLease = await runRemindersJob(stack.stores.reminders, later, { digestOrgs: ['LC'] });
    const afterWithinLease = await drain(lcDigests);
    const recovery = await runRemindersJob(stack.stores.reminders, later, { digestOrgs: ['LC'], now: afterLease });
    const recovered = await drain(lcDigests);
    const nextRun = await runRemindersJob(stack.stores.reminders, later, { digestOrgs: ['LC'], now: afterLease });

    // Assess
    expect(afterCrash).toEqual([]);
    expect(withinLease.digests).toEqual([]);
    expect(afterWithinLease).toEqual([]);
    expect(recovery).toMatchObject({ recovered: 1, digests: [expect.objectContaining({ digestFor: 'LC', reminderCount: 1 })] });
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.Body).toContain('hồ sơ kết nạp D-LC-2');
    expect(attribute(recovered[0]!, 'digestFor')?.StringValue).toBe('LC');
    expect(nextRun.digests).toEqual([]);
    expect(await drain(lcDigests)).toEqual([]);
  });

  it('the handler takes the digest orgs from REMINDER_DIGEST_ORGS, as the deployment sets it', async () => {
    // Prepare
    const on = addDays(DAY, 6);
    await stack.send([dossierDueIn('D-HB-6', 'HB-P1-C2', on, 15)]);
    await stack.settle();
    // The environment the deployed function reads, on the emulators.
    const env = { ...stack.env, ...emulatorEnvironment(inject('emulators')), REMINDER_DIGEST_ORGS: '["HB","NOT-AN-ORG"]' };

    // Act
    const outcome = await createRemindersHandler(remindersDependencies(env))({ date: on }, {} as never);

    // Assess
    expect(outcome).toMatchObject({ sent: 1, digests: 1 });
    expect((await drain(hbDigests)).map((m) => m.Body)).toEqual([expect.stringContaining('hồ sơ kết nạp D-HB-6')]);
  });

  it('publishes a leftover written before paths were stored with the path computed from the tree', async () => {
    // Prepare: an outbox item as the job wrote it before this change (the reminder's JSON only), its lease long over.
    const on = addDays(DAY, 8);
    const legacy: Reminder = {
      kind: 'dossier.overdue',
      orgId: 'HB-P1-C2',
      subjectId: 'D-LEGACY',
      dueOn: addDays(DAY, 7),
      daysLeft: 0,
      threshold: null,
      remindOn: addDays(DAY, 7),
    };
    await documentClient().send(
      new PutCommand({
        TableName: stack.env.FIGURES_TABLE_NAME,
        Item: {
          pk: 'OUTBOX',
          sk: 'SENT#dossier#D-LEGACY|dossier.overdue#D-LEGACY#-#2026-11-30',
          entity: 'reminder-outbox',
          message: JSON.stringify(legacy),
          owner: 'a-run-before-the-upgrade',
          leaseUntil: 0,
        },
      }),
    );

    // Act
    const run = await runRemindersJob(stack.stores.reminders, on);
    const delivered = (await drain(stack.env.NOTIFICATIONS_QUEUE_URL!)).find((m) => m.Body === JSON.stringify(legacy));

    // Assess
    expect(run.recovered).toBe(1);
    expect(JSON.parse(attribute(delivered!, 'orgPath')!.StringValue!)).toEqual(['HP', 'HB', 'HB-P1', 'HB-P1-C2']);
    expect(attribute(delivered!, 'kind')?.StringValue).toBe('dossier.overdue');
  });
});
