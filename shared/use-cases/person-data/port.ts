// use cases showPerson, erasePerson: everything stored about a person, and what erasing
// it takes. `dangvien person` passes the DynamoDB store (shared/data/person-store.ts).
import type { StoredRecord } from '../../domain/records.js';
import type { AppliedEvent, RejectedEvent } from '../ingest-event/port.js';

/** A record as `person show` and `person erase` see it: opened, with where it sits. */
export interface HeldRecord {
  key: { pk: string; sk: string };
  stored: StoredRecord;
  /** Whether a sealed profile is still stored with it (readable or not). */
  sealed: boolean;
}

export interface PersonHoldings {
  records: HeldRecord[];
  auditTrail: AppliedEvent[];
  rejected: RejectedEvent[];
}

export interface PersonDataStore {
  /**
   * Everything stored about one person id (index byPerson), profiles and bodies opened
   * where the key exists; for a member admitted from a dossier, that dossier too.
   */
  holdingsOf(personId: string): Promise<PersonHoldings>;
  /** Destroys the person's key; false when there was none. */
  destroyKey(personId: string): Promise<boolean>;
  /** Removes a record's sealed profile, if the record is still at `version`; false when it changed. */
  dropSealedProfile(record: HeldRecord): Promise<boolean>;
  /** Forgets a rejected event, if it is still the rejection that was read. */
  forgetRejected(rejected: RejectedEvent): Promise<void>;
}
