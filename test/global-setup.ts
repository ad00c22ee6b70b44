// Starts the emulators once for the whole run, on free loopback ports, and stops them.
import type { TestProject } from 'vitest/node';
import { startEmulators, type Emulators } from '../local/emulators.js';

let emulators: Emulators | undefined;

export async function setup(project: TestProject): Promise<void> {
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
