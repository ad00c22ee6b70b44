// data: how a record's personal data sits in its item (docs/personal-data.md). The profile of a
// member, a dossier, a candidate and a temporary attendee is stored as `sealedProfile`, sealed under
// the key of the person it is about (personal-vault.ts); everything else of the record,
// the traits the figures count included, stays in the clear. Readers that do not need
// the profile (figures, reminders) never open it; the ingest and the operator's
// `person show` do.
import type { PersonalVault } from './personal-vault.js';
import { isSealed, open, seal, type PersonKey } from './sealing.js';

type Item = Record<string, unknown>;

/** The person whose key seals the personal data of this item, if it holds any (sealed or to seal). */
export function sealingPersonOf(item: Item): string | undefined {
  const attendee = item.attendee as Item | undefined;
  const holds =
    item.profile !== undefined ||
    item.sealedProfile !== undefined ||
    attendee?.profile !== undefined ||
    attendee?.sealedProfile !== undefined;
  if (!holds) return undefined;
  if (item.entity === 'member' || item.entity === 'transfer') return item.memberId as string;
  if (item.entity === 'dossier' || item.entity === 'candidate') return item.personId as string;
  return undefined;
}

/**
 * The item as stored: its profiles sealed under `key`. An item that holds a profile and
 * gets no key is refused, so that no writer can store a readable profile by mistake.
 */
export function sealItem(item: Item, key: PersonKey | undefined): Item {
  const attendee = item.attendee as Item | undefined;
  if (item.profile === undefined && attendee?.profile === undefined) return item;
  if (!key) throw new Error(`refusing to store a readable profile (${String(item.pk)}): no key to seal it`);
  const { profile, ...rest } = item;
  const sealed: Item = profile === undefined ? rest : { ...rest, sealedProfile: seal(key, profile) };
  if (attendee?.profile !== undefined) {
    const { profile: attendeeProfile, ...attendeeRest } = attendee;
    sealed.attendee = { ...attendeeRest, sealedProfile: seal(key, attendeeProfile) };
  }
  return sealed;
}

/**
 * The item with its profiles readable again, given the keys of the persons it is
 * about. Without the key (erased) a sealed profile is dropped: the record then has none.
 * An item written before sealing existed keeps its readable profile until rewritten.
 */
export function openItem(item: Item, keys: ReadonlyMap<string, PersonKey>): Item {
  const person = sealingPersonOf(item);
  const key = person === undefined ? undefined : keys.get(person);
  const { sealedProfile, ...rest } = item;
  const opened: Item = rest;
  if (isSealed(sealedProfile)) {
    const profile = key ? open(key, sealedProfile) : undefined;
    if (profile !== undefined) opened.profile = profile;
  }
  const attendee = item.attendee as Item | undefined;
  if (attendee && isSealed(attendee.sealedProfile)) {
    const { sealedProfile: attendeeSealed, ...attendeeRest } = attendee;
    const profile = key ? open(key, attendeeSealed as string) : undefined;
    opened.attendee = profile === undefined ? attendeeRest : { ...attendeeRest, profile };
  }
  return opened;
}

/** The item without its sealed parts: what a reader that needs no profile keeps. */
export function withoutSealed(item: Item): Item {
  return openItem(item, new Map());
}

/** The keys of `persons`: those in `known` as they are, the others from the vault (and added to `known`). */
export async function personKeys(
  vault: PersonalVault,
  persons: string[],
  create: boolean,
  known: Map<string, PersonKey>,
): Promise<Map<string, PersonKey>> {
  const missing = persons.filter((p) => !known.has(p));
  if (missing.length > 0) for (const [p, key] of await vault.keys(missing, { create })) known.set(p, key);
  return known;
}

/** Items with their profiles readable (the ingest merges corrections into them); `known`: keys already at hand. */
export async function openSealed(vault: PersonalVault, items: Item[], known = new Map<string, PersonKey>()): Promise<Item[]> {
  const persons = items.map(sealingPersonOf).filter((p): p is string => p !== undefined);
  const keys = await personKeys(vault, persons, false, known);
  return items.map((item) => openItem(item, keys));
}

/** Items as stored: every profile sealed under its person's key, made if the person has none yet. */
export async function sealed(vault: PersonalVault, items: Item[], known = new Map<string, PersonKey>()): Promise<Item[]> {
  const persons = items.map(sealingPersonOf).filter((p): p is string => p !== undefined);
  const keys = await personKeys(vault, persons, true, known);
  return items.map((item) => {
    const person = sealingPersonOf(item);
    return sealItem(item, person === undefined ? undefined : keys.get(person));
  });
}
