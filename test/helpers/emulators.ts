// Clients of the emulators the global setup started (test/global-setup.ts), for tests that
// read or write a stack's tables and queues themselves. Every test stack of a run shares
// these emulators, so these clients reach any of them.
import { inject } from 'vitest';
import type { AwsClients } from '../../shared/data/aws-clients.js';
import { emulatorClients } from '../../local/use-emulators.js';

let clients: AwsClients | undefined;

/** The clients of this run's emulators, made once per test file. */
export function testClients(): AwsClients {
  clients ??= emulatorClients(inject('emulators'));
  return clients;
}

export const documentClient = () => testClients().documentClient;
export const dynamoClient = () => testClients().dynamo;
export const sqsClient = () => testClients().sqs;
export const snsClient = () => testClients().sns;
