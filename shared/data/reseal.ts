// data: a person's key replaced, and every copy kept about them sealed again under the
// new one (docs/personal-data.md). A correction does it, so that an older profile kept
// anywhere the table's delete cannot reach (a stream record, the free pages of a database
// file, a copy of an item) no longer opens once the old key is destroyed; a rotation of the
// master secret does it for every person (master-rotation.ts).
//
// The copies are the items of index byPerson: records (`sealedProfile`, an attendee's),
// rejected events (`sealedBody`), the audit trail (`sealedHash`, or a `hash` written before
// hashes were sealed). Each is rewritten only if it still holds what was read. A write
// that sealed with the old key after the new one was made is refused (personal-vault.ts
// `stillSealsWith`), so what the passes find is all there is; the old key is destroyed
// after a pass that finds nothing left to re-seal.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { correctedBody } from '../domain/personal-data.js';
import type { Profile } from '../domain/records.js';
import { NO_BODY } from '../use-cases/ingest-event/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { personPartition, rejectedKey } from './keys.js';
import type { PersonalVault } from './personal-vault.js';
import { REJECTED_SEALER } from './rejected-events.js';
import type { RecordsTable } from './records-table.js';
import { isSealed, kidOf, open, seal, type PersonKey } from './sealing.js';

type Item = Record<string, unknown>;

/** An item's sealed values as they are to be written again: each attribute path, what it holds now, what it gets. */
interface Rewrite {
  set: Array<{ path: string[]; now: unknown; next: unknown }>;
  /** Attributes removed (a legacy unkeyed hash), each checked to still hold `now`. */
  remove: Array<{ path: string[]; now: unknown }>;
}

/** A sealed value under `key` again (and corrected), or undefined when it is already and needs no correction. */
function resealed(key: PersonKey, sealed: unknown, fix?: (value: unknown) => unknown): string | undefined {
  if (!isSealed(sealed)) return undefined;
  if (kidOf(sealed) === key.kid && !fix) return undefined;
  const value = open(key, sealed);
  // A value no key of the person opens any more stays as it is: nothing readable is in it.
  if (value === undefined) return undefined;
  return seal(key, fix ? fix(value) : value);
}

/** The correction applied to a rejected body (a JSON text), when it parses. */
function correctedText(correction: Partial<Profile>) {
  return (body: unknown): unknown => {
    if (typeof body !== 'string' || body === NO_BODY) return body;
    try {
      return JSON.stringify(correctedBody(JSON.parse(body), correction));
    } catch {
      return body;
    }
  };
}

/** What must be written for `item` to hold only values sealed under `key` (and corrected), or undefined. */
export function rewriteOf(item: Item, key: PersonKey, correction?: Partial<Profile>): Rewrite | undefined {
  const rewrite: Rewrite = { set: [], remove: [] };
  const put = (path: string[], now: unknown, next: string | undefined) => {
    if (next !== undefined) rewrite.set.push({ path, now, next });
  };
  put(['sealedProfile'], item.sealedProfile, resealed(key, item.sealedProfile));
  const attendee = item.attendee as Item | undefined;
  if (attendee) put(['attendee', 'sealedProfile'], attendee.sealedProfile, resealed(key, attendee.sealedProfile));
  if (item.entity === 'rejected') {
    const fix = correction ? correctedText(correction) : undefined;
    put(['sealedBody'], item.sealedBody, resealed(key, item.sealedBody, fix));
    // A body kept readable before bodies were sealed.
    if (typeof item.body === 'string' && item.body !== NO_BODY && item.sealedBody === undefined) {
      rewrite.set.push({ path: ['sealedBody'], now: undefined, next: seal(key, fix ? fix(item.body) : item.body) });
      rewrite.remove.push({ path: ['body'], now: item.body });
    }
  }
  if (item.entity === 'event') {
    put(['sealedHash'], item.sealedHash, resealed(key, item.sealedHash));
    // A hash kept unkeyed before hashes were sealed: a guess could be checked against it.
    if (typeof item.hash === 'string') {
      rewrite.set.push({ path: ['sealedHash'], now: undefined, next: seal(key, item.hash) });
      rewrite.remove.push({ path: ['hash'], now: item.hash });
    }
  }
  return rewrite.set.length + rewrite.remove.length > 0 ? rewrite : undefined;
}

/** Writes a rewrite, only if every attribute it changes still holds what was read; false when one changed. */
async function write({ documentClient, tableName }: RecordsTable, item: Item, rewrite: Rewrite): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const pathOf = (path: string[]) =>
    path
      .map((part) => {
        const name = `#${part}`;
        names[name] = part;
        return name;
      })
      .join('.');
  const conditions: string[] = [];
  const expect = (path: string[], now: unknown, i: string) => {
    if (now === undefined) conditions.push(`attribute_not_exists(${pathOf(path)})`);
    else {
      values[`:now${i}`] = now;
      conditions.push(`${pathOf(path)} = :now${i}`);
    }
  };
  const sets = rewrite.set.map(({ path, now, next }, i) => {
    expect(path, now, `s${i}`);
    values[`:next${i}`] = next;
    return `${pathOf(path)} = :next${i}`;
  });
  const removes = rewrite.remove.map(({ path, now }, i) => {
    expect(path, now, `r${i}`);
    return pathOf(path);
  });
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '']
          .filter(Boolean)
          .join(' '),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The items that may hold values sealed under a person's key: those of index byPerson; for
 * the key of a rejected body that names no person (`#rejected/<id>`, rejected-events.ts),
 * that rejected event.
 */
async function itemsSealedFor(table: RecordsTable, personId: string): Promise<Item[]> {
  if (personId.startsWith(REJECTED_SEALER)) {
    const out = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: rejectedKey(personId.slice(REJECTED_SEALER.length)), ConsistentRead: true }),
    );
    return out.Item ? [out.Item] : [];
  }
  const { items } = await queryAll(table.documentClient, {
    TableName: table.tableName,
    IndexName: 'byPerson',
    KeyConditionExpression: 'personKey = :p',
    ExpressionAttributeValues: { ':p': personPartition(personId) },
  });
  return items;
}

/** How many times the copies are looked for again before the old key is kept for the next rotation instead. */
const MAX_PASSES = 4;

/**
 * Gives the person a new key and seals every copy kept about them again under it (with
 * `correction`, the rejected events kept for a redrive are corrected on the way), then
 * destroys the old keys. Nothing to do for a person without a key (erased, or never
 * sealed). Answers how many items were written, or undefined when there was no key.
 */
export async function resealPerson(
  table: RecordsTable & { vault: PersonalVault },
  personId: string,
  opts: { correction?: Partial<Profile> } = {},
): Promise<number | undefined> {
  const key = await table.vault.rotate(personId);
  if (!key) return undefined;
  let written = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const items = await itemsSealedFor(table, personId);
    let left = 0;
    for (const item of items) {
      const rewrite = rewriteOf(item, key, pass === 0 ? opts.correction : undefined);
      if (!rewrite) continue;
      left += 1;
      if (await write(table, item, rewrite)) written += 1;
    }
    if (left === 0) {
      await table.vault.dropOlder(personId, key.kid);
      return written;
    }
  }
  // Still changing under us: the old keys stay; the next rotation seals what they hold.
  return written;
}
