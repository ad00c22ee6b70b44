// test: `-c reminderSubscriptions=FILE` in the template — one SNS subscription per entry
// with the filter policy that gives an e-mail its org's digest and a queue or HTTPS
// endpoint its org's subtree's reminders; the job told which digests to send; a bad
// file stops the synth with its name and entry; no file, no subscription.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/deployment.js';
import { repoRoot } from '../../infra/paths.js';

const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(`${repoRoot}/cdk.json`, 'utf8')) as { context: Record<string, unknown> }).context;

function synth(context: Record<string, unknown> = {}) {
  const { stack } = createApp({
    context: {
      ...CDK_JSON_CONTEXT,
      'aws:cdk:bundling-stacks': [],
      account: '123456789012',
      region: 'ap-southeast-1',
      stackName: 'Test',
      ...context,
    },
  });
  return { stack, template: Template.fromStack(stack) };
}

/** A subscriptions file with these entries, in a fresh directory. */
function subscriptionsFile(entries: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dangvien-subs-')), 'subscriptions.json');
  writeFileSync(file, typeof entries === 'string' ? entries : JSON.stringify(entries));
  return file;
}

const ENTRIES = [
  { orgId: 'HB', email: 'vanphong@hongbang.example' },
  { orgId: 'HB', sqsArn: 'arn:aws:sqs:ap-southeast-1:111122223333:hong-bang-reminders' },
  { orgId: 'LC', https: 'https://lc.example/hooks/reminders' },
  { orgId: 'HP', email: 'thanhuy@haiphong.example' },
];

/** The reminders function's environment. */
function remindersEnv(stack: Stack, template: Template): Record<string, unknown> {
  const fn = (stack as unknown as { reminders: { handler: { function: { node: { defaultChild: unknown } } } } }).reminders.handler.function;
  const id = stack.resolve((fn.node.defaultChild as { logicalId: string }).logicalId) as string;
  return (template.toJSON().Resources[id].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('reminder subscriptions', () => {
  it('without the flag: no subscription on the notifications topic, no digest, and the synth works offline', () => {
    // Act
    const { stack, template } = synth();

    // Assess
    expect(template.findResources('AWS::SNS::Subscription')).toEqual({});
    expect(remindersEnv(stack, template).REMINDER_DIGEST_ORGS).toBe('[]');
    expect(template.toJSON().Outputs.ReminderDigestOrgs.Value).toBe('[]');
  });

  it("gives an e-mail its org's digest, a queue and an HTTPS endpoint their org's subtree's reminders", () => {
    // Act
    const { stack, template } = synth({ reminderSubscriptions: subscriptionsFile(ENTRIES) });

    // Assess
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((r) => r.Properties);
    const topicRef = { Ref: Match.stringLikeRegexp('^RemindersNotifications') };
    expect(subscriptions).toHaveLength(4);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: topicRef,
      Protocol: 'email',
      Endpoint: 'vanphong@hongbang.example',
      FilterPolicy: { kind: ['digest'], digestFor: ['HB'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: topicRef,
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:ap-southeast-1:111122223333:hong-bang-reminders',
      FilterPolicy: { orgPath: ['HB'] },
      RawMessageDelivery: true,
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: topicRef,
      Protocol: 'https',
      Endpoint: 'https://lc.example/hooks/reminders',
      FilterPolicy: { orgPath: ['LC'] },
      RawMessageDelivery: Match.absent(),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'thanhuy@haiphong.example',
      FilterPolicy: { kind: ['digest'], digestFor: ['HP'] },
    });
    // The job sends the digests of the orgs with an e-mail subscriber, and the CLI can read which.
    expect(remindersEnv(stack, template).REMINDER_DIGEST_ORGS).toBe('["HB","HP"]');
    expect(template.toJSON().Outputs.ReminderDigestOrgs.Value).toBe('["HB","HP"]');
  });

  it('keeps every subscription when the file is reordered (an e-mail would otherwise confirm again)', () => {
    // Act
    const ids = (entries: unknown[]) =>
      Object.keys(synth({ reminderSubscriptions: subscriptionsFile(entries) }).template.findResources('AWS::SNS::Subscription')).sort();

    // Assess
    expect(ids([...ENTRIES].reverse())).toEqual(ids(ENTRIES));
  });

  it('adds no error, warning or unacknowledged cdk-nag finding', () => {
    // Act
    const { stack } = synth({ reminderSubscriptions: subscriptionsFile(ENTRIES) });
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))).toEqual([]);
  });

  it.each([
    ['a file that does not exist', null, /reminderSubscriptions: cannot read .*missing\.json/],
    ['a file that is not JSON', '[{"orgId": "HB",', /reminderSubscriptions .*subscriptions\.json: not JSON/],
    ['an entry without an endpoint', [{ orgId: 'HB' }], /reminderSubscriptions .*subscriptions\.json: entry 0: /],
    ['an e-mail that is not one', [{ orgId: 'HB', email: 'hb at example' }], /entry 0 \(email\): not an e-mail address/],
    ['a plain http endpoint', [{ orgId: 'HB', https: 'http://hb.example/hook' }], /entry 0 \(https\): not an https:\/\/ URL/],
  ])('stops the synth on %s, naming the file and the entry', (_case, entries, message) => {
    // Prepare
    const file = entries === null ? join(tmpdir(), 'missing.json') : subscriptionsFile(entries);

    // Assess
    expect(() => synth({ reminderSubscriptions: file })).toThrow(message);
  });
});
