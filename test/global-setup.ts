// Starts the emulators once for the whole run, on free loopback ports, and stops them.
// Builds the CLI first, so that CLI tests run the code under test, not an older build.
import type { TestProject } from 'vitest/node';
import { startEmulators, type Emulators } from '../local/emulators.js';
import { buildCli } from '../scripts/build-cli.mjs';

let emulators: Emulators | undefined;

export async function setup(project: TestProject): Promise<void> {
  await buildCli();
  emulators = await startEmulators();
  project.provide('emulators', { dynamodbEndpoint: emulators.dynamodbEndpoint, sqsEndpoint: emulators.sqsEndpoint });
}

export async function teardown(): Promise<void> {
  await emulators?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: { dynamodbEndpoint: string; sqsEndpoint: string };
  }
}
