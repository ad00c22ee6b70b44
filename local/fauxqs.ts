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
import { buildApp } from 'fauxqs';
import { findPackageJSON } from 'node:module';
import { pathToFileURL } from 'node:url';

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
      PersistenceManager: new (dir: string) => { load(a: unknown, b: unknown, c: unknown): void; close(): void };
    }>('persistence.js'),
  ]);
  const stores: Stores = { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() };
  if (!dataDir) return { stores, close: () => undefined };
  const persistence = new PersistenceManager(dataDir);
  // Load before wiring, as fauxqs's own starter does: a write-through during the load
  // would cascade-delete what is being restored.
  persistence.load(stores.sqsStore, stores.snsStore, stores.s3Store);
  stores.sqsStore.persistence = persistence;
  stores.snsStore.persistence = persistence;
  stores.s3Store.persistence = persistence;
  for (const queue of stores.sqsStore.allQueues()) queue.persistence = persistence;
  return { stores, close: () => persistence.close() };
}

/** Starts fauxqs on `127.0.0.1:port`; with `dataDir` its state survives a restart. */
export async function startFauxqs(opts: { port: number; dataDir?: string; region: string }): Promise<Fauxqs> {
  const { stores, close } = await createStores(opts.dataDir);
  const app = buildApp({ logger: false, defaultRegion: opts.region, stores: stores as never });
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
