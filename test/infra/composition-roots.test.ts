// Each Lambda's composition root (functions/<name>/environment.ts) builds its handler's
// dependencies from the environment the stack gives the function: a variable a root
// requires and the stack does not set would fail every cold start. CloudFormation's
// references are not resolved at synth: any value stands for them here.
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { figuresDependencies } from '../../functions/figures/environment.js';
import { ingestDependencies } from '../../functions/ingest/environment.js';
import { remindersDependencies } from '../../functions/reminders/environment.js';
import { reportDependencies } from '../../functions/report-api/environment.js';
import { createApp } from '../../infra/deployment.js';
import { repoRoot } from '../../infra/paths.js';

const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(`${repoRoot}/cdk.json`, 'utf8')) as { context: Record<string, unknown> }).context;

/** The deployed stack, bundling skipped. */
const synth = (context: Record<string, unknown> = {}) =>
  createApp({
    context: {
      ...CDK_JSON_CONTEXT,
      'aws:cdk:bundling-stacks': [],
      account: '123456789012',
      region: 'ap-southeast-1',
      stackName: 'Test',
      ...context,
    },
  }).stack;

/** A function's environment variables as the template sets them, a reference standing as its logical id; AWS_REGION as Lambda adds it. */
function environmentOf(fn: IConstruct): Record<string, string> {
  const stack = Stack.of(fn);
  const id = stack.getLogicalId(fn.node.defaultChild as never);
  const resource = Template.fromStack(stack).toJSON().Resources[id] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  const variables = resource.Properties.Environment.Variables;
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return { AWS_REGION: 'ap-southeast-1', ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, text(v)])) };
}

describe('the functions build from the environment the stack gives them', () => {
  let stack: ReturnType<typeof synth>;
  beforeAll(() => {
    stack = synth();
  });

  it.each([
    ['ingest', (s: ReturnType<typeof synth>) => ingestDependencies(environmentOf(s.ingest.handler.function))],
    ['figures', (s: ReturnType<typeof synth>) => figuresDependencies(environmentOf(s.figures.handler.function))],
    ['reminders', (s: ReturnType<typeof synth>) => remindersDependencies(environmentOf(s.reminders.handler.function))],
    ['report-api', (s: ReturnType<typeof synth>) => reportDependencies(environmentOf(s.api.handler.function))],
  ])('%s', (_name, build) => {
    // Act / Assess
    expect(build(stack)).toBeDefined();
  });

  it('the ingest refuses an environment without its table, naming the variable', () => {
    // Prepare
    const { RECORDS_TABLE_NAME: _table, ...env } = environmentOf(stack.ingest.handler.function);
    // Act / Assess
    expect(() => ingestDependencies(env)).toThrow('RECORDS_TABLE_NAME');
  });
});
