// Store decorators for tests: a store as it is, with a hook run before or after one of its
// calls — a crash there (throw), another delivery in between, an erasure racing a write.
// They stand where production code has no seam: the use cases and handlers see a store.
import type { IngestStore } from '../../shared/use-cases/ingest-event/port.js';
import type { AppliedEvent } from '../../shared/domain/ingest/applied-event.js';
import type { EventKey } from '../../shared/domain/ingest/idempotency.js';
import type { MemberImportStore } from '../../shared/use-cases/import-members/port.js';
import type { Digest } from '../../shared/domain/digest.js';
import type { Reminder } from '../../shared/domain/reminders.js';
import type { FiguresStore } from '../../shared/use-cases/refresh-figures/port.js';
import type { RemindersStore } from '../../shared/use-cases/run-reminders-job/port.js';

type Hook<A extends unknown[]> = (...args: A) => unknown;
// biome-ignore lint/suspicious/noExplicitAny: any method of a store
type Method = (...args: any[]) => Promise<unknown>;
type MethodsOf<S> = { [K in keyof S]: S[K] extends Method ? K : never }[keyof S];

/**
 * `store` with some of its methods replaced; every other property is the store's own
 * (a class instance keeps its state: tests still read the in-memory store they built).
 */
function decorate<S extends object>(store: S, overrides: Partial<Record<keyof S, unknown>>): S {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof S];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** `store`, running `hook` with the arguments of each call of `method` before the call. */
export function beforeCall<S extends object, K extends MethodsOf<S>>(
  store: S,
  method: K,
  hook: Hook<Parameters<Extract<S[K], Method>>>,
): S {
  const inner = (store[method] as Method).bind(store);
  return decorate(store, {
    [method]: async (...args: unknown[]) => {
      await hook(...(args as Parameters<Extract<S[K], Method>>));
      return inner(...args);
    },
  } as Partial<Record<keyof S, unknown>>);
}

/** `store`, running `hook` with the result and the arguments of each call of `method` once it returned. */
export function afterCall<S extends object, K extends MethodsOf<S>>(
  store: S,
  method: K,
  hook: Hook<[Awaited<ReturnType<Extract<S[K], Method>>>, ...Parameters<Extract<S[K], Method>>]>,
): S {
  const inner = (store[method] as Method).bind(store);
  return decorate(store, {
    [method]: async (...args: unknown[]) => {
      const result = await inner(...args);
      await hook(...([result, ...args] as [Awaited<ReturnType<Extract<S[K], Method>>>, ...Parameters<Extract<S[K], Method>>]));
      return result;
    },
  } as Partial<Record<keyof S, unknown>>);
}

/** Where a test steps into one ingest: after its marker check, before and after its commit. */
export interface IngestSteps {
  /** After a marker check that found none (the event is about to be loaded and decided): another delivery may run here. */
  afterMarkerCheck?: (key: EventKey) => unknown;
  /** After the decision, before the transaction: a crash here writes nothing. */
  beforeCommit?: (marker: AppliedEvent) => unknown;
  /** Once the transaction committed, before the outcome is returned: a crash here leaves an applied event to be delivered again. */
  afterCommit?: (marker: AppliedEvent) => unknown;
}

/** An ingest store that runs `steps` where an ingest passes them. */
export function ingestStoreWith<S extends IngestStore>(store: S, steps: IngestSteps): S {
  let out: IngestStore = store;
  const { afterMarkerCheck, beforeCommit, afterCommit } = steps;
  if (afterMarkerCheck) out = afterCall(out, 'findApplied', (found, key) => (found ? undefined : afterMarkerCheck(key)));
  if (beforeCommit) out = beforeCall(out, 'commit', (marker) => beforeCommit(marker));
  if (afterCommit) out = afterCall(out, 'commit', (result, marker) => (result === 'committed' ? afterCommit(marker) : undefined));
  return out as S;
}

/** A figures store that runs `beforeRefresh` at a refresh's first read (the org tree), before it reads or writes anything else. */
export function figuresStoreWith<S extends FiguresStore>(store: S, beforeRefresh: () => unknown): S {
  return beforeCall<FiguresStore, 'currentOrgTree'>(store, 'currentOrgTree', () => beforeRefresh()) as S;
}

/** Where a test steps into the reminders job: after a reminder or a digest is recorded and before it is published. */
export interface RemindersSteps {
  afterRecord?: (reminder: Reminder) => unknown;
  afterRecordDigest?: (digest: Digest) => unknown;
}

/** A reminders store that runs `steps` right after a reminder or digest is recorded as sent (not when it was sent already). */
export function remindersStoreWith<S extends RemindersStore>(store: S, steps: RemindersSteps): S {
  let out: RemindersStore = store;
  const { afterRecord, afterRecordDigest } = steps;
  if (afterRecord)
    out = afterCall(out, 'recordReminder', (outcome, _pk, _key, n) => (outcome === 'recorded' ? afterRecord(n.reminder) : undefined));
  if (afterRecordDigest)
    out = afterCall(out, 'recordDigest', (outcome, digest) => (outcome === 'recorded' ? afterRecordDigest(digest) : undefined));
  return out as S;
}

/** Where a test steps into the import: before each write of members, of a chunk's figures (before its first read), of markers; after each contribution put. */
export type ImportStep = 'members' | 'figures' | 'contribution' | 'markers';

/** An import store that runs `hook` at each of its steps ({@link ImportStep}). */
export function importStoreWith<S extends MemberImportStore>(store: S, hook: (what: ImportStep, items: number) => unknown): S {
  const withMembers = beforeCall<MemberImportStore, 'putMembers'>(store, 'putMembers', (members) => hook('members', members.length));
  const withMarkers = beforeCall(withMembers, 'putMarkers', (markers) => hook('markers', markers.length));
  const figures = afterCall(
    figuresStoreWith(store.figures, () => hook('figures', 0)),
    'putContribution',
    () => hook('contribution', 1),
  );
  return decorate(withMarkers, { figures }) as S;
}
