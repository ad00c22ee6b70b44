// local: fauxqs (SQS and SNS) in this process, on loopback, its state kept on disk.
//
// fauxqs 2 persists queues, messages (in flight included), topics and subscriptions to
// SQLite when given a data directory, writing through on every change, so an event sent
// and not yet applied survives a Ctrl-C or a kill -9 of `npm start`. Its own starter
// (`startFauxqs`) would do the wiring but listens on 0.0.0.0; we wire the same pieces
// ourselves so that it listens on 127.0.0.1 only, and keep the stores at hand for what
// SQS answers only through CloudWatch (the age of the oldest message). Those pieces are
// not in the package's exports map, so they are imported by file next to its entry
// point; the version is pinned exactly in package.json for that reason.
//
// Messages carry profiles, and a message deleted from SQLite leaves its bytes in free
// pages and in the write-ahead log until they happen to be overwritten. On fauxqs's own
// connection, `secure_delete` makes SQLite zero what it deletes, and a truncating
// checkpoint soon after every change empties the log (kept in WAL mode, as fauxqs opens it:
// a rollback journal was three times slower here). It also answers only requests
// addressed to it by a loopback name (host-check.ts).
import { buildApp } from 'fauxqs';
import { findPackageJSON } from 'node:module';
import type { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { isLoopbackHost, MISDIRECTED, misdirectedBody } from './host-check.js';

export interface Fauxqs {
  endpoint: string;
  /** Seconds since the oldest message of the queue (visible, delayed or in flight) was sent; 0 when empty. */
  oldestMessageAgeSeconds(queueUrl: string, now?: number): number;
  close(): Promise<void>;
}

interface StoredMessage {
  sentTimestamp: number;
}

interface Queue {
  persistence?: unknown;
  inspectMessages(): { ready: StoredMessage[]; delayed: StoredMessage[]; inflight: Array<{ message: StoredMessage }> };
}

interface Stores {
  sqsStore: { persistence?: unknown; allQueues(): Iterable<Queue>; getQueue(url: string): Queue | undefined };
  snsStore: { persistence?: unknown };
  s3Store: { persistence?: unknown };
}

/** A module of the fauxqs package by its path inside `dist/`. */
async function fauxqsModule<T>(path: string): Promise<T> {
  const packageJson = findPackageJSON('fauxqs', import.meta.url);
  if (!packageJson) throw new Error('fauxqs is not installed: run npm ci');
  return (await import(new URL(path, new URL('dist/', pathToFileURL(packageJson))).href)) as T;
}

/** Fresh stores; with `dataDir`, loaded from and written through to its SQLite file. */
async function createStores(dataDir: string | undefined): Promise<{ stores: Stores; close: () => void }> {
  const [{ SqsStore }, { SnsStore }, { S3Store }, { PersistenceManager }] = await Promise.all([
    fauxqsModule<{ SqsStore: new () => Stores['sqsStore'] }>('sqs/sqsStore.js'),
    fauxqsModule<{ SnsStore: new () => Stores['snsStore'] }>('sns/snsStore.js'),
    fauxqsModule<{ S3Store: new () => Stores['s3Store'] }>('s3/s3Store.js'),
    fauxqsModule<{
      PersistenceManager: new (dir: string) => { db: DatabaseSync; load(a: unknown, b: unknown, c: unknown): void; close(): void };
    }>('persistence.js'),
  ]);
  const stores: Stores = { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() };
  if (!dataDir) return { stores, close: () => undefined };
  const persistence = new PersistenceManager(dataDir);
  const stopErasing = eraseDeletedBytes(persistence.db);
  // Load before wiring, as fauxqs's own starter does: a write-through during the load
  // would cascade-delete what is being restored.
  persistence.load(stores.sqsStore, stores.snsStore, stores.s3Store);
  stores.sqsStore.persistence = persistence;
  stores.snsStore.persistence = persistence;
  stores.s3Store.persistence = persistence;
  for (const queue of stores.sqsStore.allQueues()) queue.persistence = persistence;
  return {
    stores,
    close: () => {
      stopErasing();
      persistence.close();
    },
  };
}

/** How soon after a change the write-ahead log is emptied, in milliseconds. */
const CHECKPOINT_EVERY_MS = 500;

/**
 * Makes what the connection deletes unreadable in the file: `secure_delete` zeroes deleted
 * content, a VACUUM at open rewrites what an earlier version left in free pages, and after
 * any change a truncating checkpoint copies the log into the database and empties it (the
 * log still holds every row as it was written). Returns the function that stops it and
 * checkpoints one last time.
 */
function eraseDeletedBytes(db: DatabaseSync): () => void {
  db.exec('PRAGMA secure_delete = ON');
  db.exec('VACUUM');
  const changes = db.prepare('SELECT total_changes() AS n');
  let seen = -1;
  const checkpoint = () => {
    const { n } = changes.get() as { n: number };
    if (n === seen) return;
    // Busy (a reader in the middle of a read): the log is emptied on the next round.
    const [result] = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').all() as Array<{ busy: number }>;
    if (result?.busy === 0) seen = n;
  };
  checkpoint();
  const timer = setInterval(checkpoint, CHECKPOINT_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    checkpoint();
  };
}

/** Starts fauxqs on `127.0.0.1:port`; with `dataDir` its state survives a restart. */
export async function startFauxqs(opts: { port: number; dataDir?: string; region: string }): Promise<Fauxqs> {
  const { stores, close } = await createStores(opts.dataDir);
  const app = buildApp({ logger: false, defaultRegion: opts.region, stores: stores as never });
  app.addHook('onRequest', async (request, reply) => {
    if (!isLoopbackHost(request.headers.host, opts.port, { localhostSubdomains: true })) {
      return reply.code(MISDIRECTED).header('content-type', 'application/json').send(misdirectedBody(opts.port));
    }
  });
  app.addHook('preClose', () => close());
  await app.listen({ host: '127.0.0.1', port: opts.port });
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    oldestMessageAgeSeconds(queueUrl, now = Date.now()) {
      const queue = stores.sqsStore.getQueue(queueUrl);
      if (!queue) return 0;
      const { ready, delayed, inflight } = queue.inspectMessages();
      const sent = [...ready, ...delayed, ...inflight.map((i) => i.message)].map((m) => m.sentTimestamp);
      return sent.length === 0 ? 0 : Math.max(0, Math.round((now - Math.min(...sent)) / 1000));
    },
    close: () => app.close(),
  };
}
