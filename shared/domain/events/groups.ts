// domain/events: the SQS FIFO message group of an event (docs/events.md): the person it is
// about, so that one person's events apply in order and nobody else waits for them.
import { createHash } from 'node:crypto';
import type { DomainEvent } from './envelope.js';

/** SQS's limit on a MessageGroupId (characters). */
export const MAX_GROUP_ID_LENGTH = 128;

/** The characters SQS allows in a MessageGroupId: alphanumerics and ASCII punctuation. */
const GROUP_ID_PATTERN = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/**
 * A subject as a MessageGroupId: unchanged when it is one already (every id of
 * docs/events.md is), else `h:` and the first 64 hex digits of its SHA-256 — the same
 * subject always gives the same group, so a person's events stay in one group.
 */
export function groupIdOf(subject: string): string {
  if (GROUP_ID_PATTERN.test(subject)) return subject;
  return `h:${createHash('sha256').update(subject, 'utf8').digest('hex')}`;
}

/**
 * The SQS FIFO MessageGroupId of an event (docs/events.md): `orgs` for structural events,
 * else the person — `personId` of a dossier or candidate, `memberId` of a member or transfer —
 * whenever the event names it (on `dossier.stepCompleted`, `dossier.closed`,
 * `transfer.cancelled`, `transfer.returned` and `transfer.received` in the optional
 * field). Only an event that does not name the person falls back to `dossier:<id>` /
 * `transfer:<id>`. Always at most 128 characters SQS accepts: a longer subject is
 * hashed (see {@link groupIdOf}).
 */
export function subjectOf(event: DomainEvent): string {
  return groupIdOf(rawSubjectOf(event));
}

function rawSubjectOf(event: DomainEvent): string {
  switch (event.type) {
    case 'org.registered':
    case 'org.renamed':
    case 'org.moved':
    case 'org.dissolved':
    case 'target.set':
    case 'org.updated':
    case 'org.evaluated':
      return 'orgs';
    case 'dossier.received':
      return event.data.personId;
    case 'dossier.stepCompleted':
    case 'dossier.closed':
      return event.data.personId ?? `dossier:${event.data.dossierId}`;
    case 'candidate.listed':
    case 'candidate.classCompleted':
    case 'candidate.dropped':
      return event.data.personId;
    case 'member.admitted':
    case 'member.imported':
    case 'member.recognized':
    case 'member.updated':
    case 'member.exempted':
    case 'member.exited':
    case 'member.evaluated':
    case 'member.badgeAwarded':
    case 'member.ceremonyHeld':
    case 'member.recordsFiled':
    case 'member.cardIssued':
    case 'transfer.issued':
      return event.data.memberId;
    case 'transfer.received':
      return event.data.member?.memberId ?? event.data.memberId ?? `transfer:${event.data.transferId}`;
    case 'transfer.cancelled':
    case 'transfer.returned':
      return event.data.memberId ?? `transfer:${event.data.transferId}`;
  }
}
