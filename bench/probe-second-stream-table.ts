// bench probe: why a second table with a stream is slow on one DynamoDB Local (bench/README.md
// "How to read the results"). Imports the city into a bench stack, then writes the same
// member items into the main Records table, into a second stack's on the same emulators
// (its runners on, then off), and prints the seconds of each. Run:
//   npx tsx bench/probe-second-stream-table.ts 10000
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { performance } from 'node:perf_hooks';
import { generateCity } from './city.js';
import { BenchStack } from './harness.js';
import { startLocalStack } from '../local/stack.js';
import { importPhase, orgTreePhase } from './phases.js';
import { batchWriteAll } from '../shared/data/dynamo-toolkit.js';
import { ImportCapture } from './ingest-only.js';
import { unmarshall } from '@aws-sdk/util-dynamodb';

const log = (l: string) => process.stderr.write(`[probe] ${l}\n`);
const city = generateCity({ members: Number(process.argv[2] ?? 10000), seed: 1, badRows: true });
const bench = await BenchStack.start(city, 16, log);
const streams = new DynamoDBStreamsClient({
  endpoint: bench.emulators.dynamodbEndpoint,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
async function probe(label: string) {
  for (const table of Object.values(bench.stack.provisioned.tables)) {
    const arn = (await bench.stack.clients.dynamo.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
    if (!arn) continue;
    const t = performance.now();
    const out = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    log(`${label} ${table}: ${out.StreamDescription?.Shards?.length} shards, describe ${(performance.now() - t).toFixed(0)} ms`);
  }
  const items = Array.from({ length: 2000 }, (_, i) => ({ pk: `DIAG#${label}-${i}`, sk: 'X', body: 'x'.repeat(400) }));
  const t = performance.now();
  await batchWriteAll(bench.records.documentClient, bench.records.tableName, items, { concurrency: 16 });
  log(`${label}: 2000 items in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
await probe('start');
await orgTreePhase(bench, city, 'queue', log);
await probe('after-orgs');
const capture = new ImportCapture();
capture.install(bench.stack.clients.dynamo);
await importPhase(bench, city, log);
await probe('after-import');
const members = capture.items().members.map((i) => unmarshall(i));
log(`member item sample: ${JSON.stringify(members[0]).length} chars, keys ${Object.keys(members[0]!).join(',')}`);
// the same members into the main table under other keys
let t = performance.now();
await batchWriteAll(
  bench.records.documentClient,
  bench.records.tableName,
  members.slice(0, 2000).map((m) => ({ ...m, pk: `COPY#${m.pk}` })),
  { concurrency: 16 },
);
log(`main table: 2000 member items (copied keys) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
// A second stack on the main one's emulators, as BenchStack.startBeside used to start it.
const ioStack = await startLocalStack({
  endpoints: bench.emulators,
  prefix: 'bench-io',
  visibilityTimeout: 10,
  concurrency: 16,
  figures: false,
  log,
});
const io = { stack: ioStack, records: { documentClient: ioStack.clients.documentClient, tableName: ioStack.env.RECORDS_TABLE_NAME! } };
for (const table of Object.values(io.stack.provisioned.tables)) {
  const arn = (await io.stack.clients.dynamo.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
  if (!arn) continue;
  const t1 = performance.now();
  const out = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  log(`beside ${table}: ${out.StreamDescription?.Shards?.length} shards, describe ${(performance.now() - t1).toFixed(0)} ms`);
}
for (let k = 0; k < 3; k++) {
  t = performance.now();
  await batchWriteAll(io.records.documentClient, io.records.tableName, members.slice(k * 1000, k * 1000 + 1000), { concurrency: 16 });
  log(`beside table: 1000 member items in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
await io.stack.stop();
t = performance.now();
await batchWriteAll(io.records.documentClient, io.records.tableName, members.slice(3000, 4000), { concurrency: 16 });
log(`beside table, its runners stopped: 1000 member items in ${((performance.now() - t) / 1000).toFixed(1)} s`);
await bench.stack.stop();
t = performance.now();
await batchWriteAll(io.records.documentClient, io.records.tableName, members.slice(4000, 5000), { concurrency: 16 });
log(`beside table, all runners stopped: 1000 member items in ${((performance.now() - t) / 1000).toFixed(1)} s`);
await bench.emulators.stop();
process.exit(0);
