// use cases showPerson, erasePerson: everything stored about a person, and what erasing
// it takes. `dangvien person` passes the DynamoDB store (shared/data/person-store.ts).
import type { Pseudonyms } from '../../domain/pseudonyms.js';
import type { FactRecord, StoredRecord } from '../../domain/records.js';
import type { AppliedEvent, RejectedEvent } from '../ingest-event/port.js';

export type { Pseudonyms };

/** Where an item sits in the Records table. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** A record as `person show` and `person erase` see it: opened, with where it sits. */
export interface HeldRecord {
  key: ItemKey;
  stored: StoredRecord;
  /** Whether a sealed profile is still stored with it (readable or not). */
  sealed: boolean;
}

/** A fact named after the person (`<kind>#<memberId>#…`, domain/ingest/members.ts). */
export interface HeldFact {
  key: ItemKey;
  record: FactRecord;
}

/** An entry of the audit trail, with where it sits. */
export interface HeldMarker extends AppliedEvent {
  key: ItemKey;
}

export interface PersonHoldings {
  records: HeldRecord[];
  auditTrail: HeldMarker[];
  rejected: RejectedEvent[];
  facts: HeldFact[];
  /** Items that only point at the person: why an event about them waits, a rejected event's link to them. */
  notes: ItemKey[];
}

export interface PersonDataStore {
  /**
   * Everything stored about one person id (index byPerson), profiles and bodies opened
   * where the key exists; for a member admitted from a dossier, that dossier too.
   */
  holdingsOf(personId: string): Promise<PersonHoldings>;
  /**
   * Records that the person is erased from `erasedAt` on (a tombstone, no personal data in
   * it: an event about them that occurred before is refused from then on). Answers the
   * pseudonym that replaces their id.
   */
  tombstone(personId: string, erasedAt: string): Promise<string>;
  /** Destroys the person's key; false when there was none. */
  destroyKey(personId: string): Promise<boolean>;
  /**
   * Rewrites a record without its profile and with the ids of `names` replaced (a member
   * moves to the key of its pseudonym), if the record is still at its version; false when
   * it changed (the next erasure finds it again).
   */
  pseudonymizeRecord(record: HeldRecord, names: Pseudonyms): Promise<boolean>;
  /** Renames a fact named after the person (same cell, year and content). */
  pseudonymizeFact(fact: HeldFact, names: Pseudonyms): Promise<void>;
  /** Rewrites an audit-trail entry with the ids of `names` replaced, without its person and its hash. */
  pseudonymizeMarker(marker: HeldMarker, names: Pseudonyms): Promise<void>;
  /** Forgets a rejected event, if it is still the rejection that was read. */
  forgetRejected(rejected: RejectedEvent): Promise<void>;
  /** Deletes items that only point at the person. */
  forgetNotes(notes: readonly ItemKey[]): Promise<void>;
  /** Forgets what the reminders job keeps about these members (the reminders recorded as sent, the day lists naming them). */
  forgetReminders(memberIds: readonly string[]): Promise<void>;
}
