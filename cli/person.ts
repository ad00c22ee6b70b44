// cli: `dangvien person show ID` and `person erase ID [--force] [--dry-run]`.
// (adapter) --> use case person-data --> PersonDataStore (data/person-store.ts)
import type { PersonalVault } from '../shared/data/personal-vault.js';
import { erasePerson, type PersonDataStore, RetentionError, showPerson as show } from '../shared/use-cases/person-data/index.js';
import { UsageError } from './errors.js';

/** The stores `person` uses, of the target's stack (connect.ts). */
export interface PersonStores {
  personData: PersonDataStore;
  vault: PersonalVault;
}

/** Prints everything held about `id`; says on stderr when that is nothing (a mistyped id looks the same). */
export async function showPerson(stores: Pick<PersonStores, 'personData'>, id: string): Promise<void> {
  const held = await show(stores.personData, id);
  console.log(JSON.stringify(held, null, 2));
  if (held.records.length === 0 && held.auditTrail.length === 0 && held.rejected.length === 0) {
    console.error(
      `nothing is held about ${id}: no record, audit trail or rejected event names this id (is it spelled as the producer sent it?)`,
    );
  }
}

/**
 * The store as erasure sees it, with nothing destroyed or written: it reads what the
 * erasure would read, and answers each change with what it would have done (a key
 * destroyed if there is one, a record renamed, a rejected event forgotten).
 */
export function dryRunStore(store: PersonDataStore, hasKey: (personId: string) => Promise<boolean>): PersonDataStore {
  return {
    holdingsOf: (personId) => store.holdingsOf(personId),
    tombstone: async (personId) => `~(pseudonym of ${personId})`,
    destroyKey: hasKey,
    pseudonymizeRecord: async () => true,
    pseudonymizeFact: async () => undefined,
    pseudonymizeMarker: async () => undefined,
    forgetRejected: async () => undefined,
    forgetNotes: async () => undefined,
    forgetReminders: async () => undefined,
  };
}

/** Erases a person's personal data (or, with `dryRun`, prints what would be erased) and prints the summary as JSON. */
export async function erasePersonData(stores: PersonStores, id: string, opts: { force: boolean; dryRun: boolean }): Promise<void> {
  const { personData, vault } = stores;
  const store = opts.dryRun
    ? dryRunStore(personData, async (personId) => (await vault.keys([personId], { create: false })).has(personId))
    : personData;
  try {
    const summary = await erasePerson(store, id, { force: opts.force });
    if (!opts.dryRun) {
      console.log(JSON.stringify(summary, null, 2));
      return;
    }
    const { keysDestroyed, recordsCleared, recordsPseudonymized, factsPseudonymized, rejectedForgotten, ...rest } = summary;
    const wouldBe = {
      keysToDestroy: keysDestroyed,
      recordsToClear: recordsCleared,
      recordsToPseudonymize: recordsPseudonymized,
      factsToPseudonymize: factsPseudonymized,
      rejectedToForget: rejectedForgotten,
    };
    console.log(JSON.stringify({ dryRun: true, ...rest, ...wouldBe }, null, 2));
  } catch (error) {
    if (error instanceof RetentionError) throw new UsageError(`retention: ${error.message}`);
    throw error;
  }
}
