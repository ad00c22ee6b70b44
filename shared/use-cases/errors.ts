// use cases: the errors callers branch on (handlers, CLI, tests). One base class, so a
// caller can tell "a use case said no" from a crash, and a subclass per situation, so it
// branches on types, never on messages.
import type { RetryReason } from '../domain/ingest/decision-types.js';

/** The base of every error a use case throws on purpose. */
export class UseCaseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UseCaseError';
  }
}

/** Thrown to have the message retried: its predecessor has not arrived yet. */
export class PredecessorMissingError extends UseCaseError {
  constructor(
    readonly eventId: string,
    readonly reason: RetryReason,
  ) {
    super(`event ${eventId} waits: ${reason}`);
    this.name = 'PredecessorMissingError';
  }
}

/**
 * Optimistic concurrency lost too many times in a row: what the use case read kept being
 * written by someone else. Safe to retry later (the message or stream batch is redelivered).
 */
export class ConcurrentUpdateError extends UseCaseError {
  constructor(
    /** What kept changing: an event id, or figures `kind:orgId`. */
    readonly subject: string,
    readonly attempts: number,
  ) {
    super(`${subject}: kept changing underneath after ${attempts} attempts, retry later`);
    this.name = 'ConcurrentUpdateError';
  }
}

/** A report asked for an org that is not registered. */
export class UnknownOrgError extends UseCaseError {
  constructor(readonly orgId: string) {
    super(`organization ${orgId} is not registered`);
    this.name = 'UnknownOrgError';
  }
}

/**
 * The caller may not read this report: the org lies outside the subtrees its identity is
 * registered to read (docs/security.md "Reads scoped by subtree"). Its message says
 * nothing of the org, not even whether it exists.
 */
export class ReadOutOfScopeError extends UseCaseError {
  constructor() {
    super('this identity may not read this report');
    this.name = 'ReadOutOfScopeError';
  }
}
