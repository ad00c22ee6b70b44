// bench: the Lambda bundles as deployed — sizes and cold init, with the AWS SDK bundled
// with the function (as deployed) or left to the runtime. `npm run bench -- --bundles-only`
// runs just this, without the emulators.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { esbuildOptions, LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS, type SdkBundling } from '../shared/build/lambda-bundling.js';

/** The functions under functions/<name>/ (each entered at its index.ts, as deployed). */
const FUNCTIONS = ['ingest', 'figures', 'reminders', 'report-api'] as const;

export interface BundleResult {
  function: string;
  sdk: SdkBundling;
  bytes: number;
  /** Deflated at level 9: about what the deployment zip holds for the code (the source map aside). */
  zippedBytes: number;
  /** Median wall time to import the bundle in a fresh Node process (module init, SDK included), of `coldInitRuns` runs. */
  coldInitMs: number;
  /** Median CPU time (user + system) of the same imports: steadier than wall time on a shared machine. */
  coldInitCpuMs: number;
  /** How many fresh processes each median is of. */
  coldInitRuns: number;
}

/** Fresh imports per function: the medians of 5 moved by ±30 % on this shared 2-core machine. */
export const COLD_INIT_RUNS = 15;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/**
 * Bundles each handler with the deployed settings (shared/build/lambda-bundling.ts) and
 * times its import in `runs` fresh processes.
 */
export async function measureBundles(root: string, sdk: SdkBundling = 'bundled', runs = COLD_INIT_RUNS): Promise<BundleResult[]> {
  const { build } = await import('esbuild');
  // Inside node_modules so that the external @aws-sdk/* resolve as they would in the runtime.
  const outDir = join(root, 'node_modules', '.cache', 'dangvien-bench', sdk);
  mkdirSync(outDir, { recursive: true });
  const out: BundleResult[] = [];
  for (const name of FUNCTIONS) {
    const entry = join(root, 'functions', name, 'index.ts');
    if (!existsSync(entry)) continue;
    const outfile = join(outDir, `${name}.mjs`);
    await build({ ...esbuildOptions(entry, outfile, sdk), logLevel: 'silent' });
    const code = readFileSync(outfile);
    const init = coldInit(outfile, name, runs);
    out.push({
      function: name,
      sdk,
      bytes: code.length,
      zippedBytes: deflateRawSync(code, { level: 9 }).length,
      coldInitMs: Math.round(median(init.wallMs)),
      coldInitCpuMs: Math.round(median(init.cpuMs)),
      coldInitRuns: init.wallMs.length,
    });
  }
  return out;
}

/**
 * What Lambda's INIT runs of ours: `import(outfile)` in a fresh process (this one's Node,
 * which `npm run bench` takes from the project's Node 24), with the NODE_OPTIONS the
 * functions are deployed with and the environment their composition roots read at load. Before the
 * clock starts, the probe loads `node:http`, as the runtime's own client does before it
 * imports the handler (aws-lambda-nodejs-runtime-interface-client, src/client/rapid-client.ts):
 * in Node 24 that module alone costs about 100 ms, which a function never pays. A first,
 * discarded run warms the file cache, as the files of a deployed function are local to its sandbox.
 */
function coldInit(outfile: string, name: string, runs: number): { wallMs: number[]; cpuMs: number[] } {
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  const probe = [
    "await import('node:http');",
    'const cpu = process.cpuUsage(); const t = performance.now();',
    `await import(${JSON.stringify(pathToFileURL(outfile).href)});`,
    'const used = process.cpuUsage(cpu); console.log(performance.now() - t, (used.user + used.system) / 1000);',
  ].join(' ');
  for (let i = -1; i < runs; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
      env: {
        ...process.env,
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        AWS_REGION: 'ap-southeast-1',
        POWERTOOLS_SERVICE_NAME: name,
        POWERTOOLS_METRICS_NAMESPACE: 'DangVien',
        LOG_LEVEL: 'INFO',
        RECORDS_TABLE_NAME: 'x',
        FIGURES_TABLE_NAME: 'x',
        INGEST_QUEUE_URL: 'x',
        NOTIFICATIONS_TOPIC_ARN: 'x',
        PERSONAL_DATA_KEY_ARN: 'x',
      },
      encoding: 'utf8',
    });
    const [wall, cpu] = (run.stdout.trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (i >= 0 && Number.isFinite(wall) && Number.isFinite(cpu)) {
      wallMs.push(wall!);
      cpuMs.push(cpu!);
    }
  }
  return { wallMs, cpuMs };
}

/** A table of both measurements side by side, one row per function. */
export function renderBundles(external: BundleResult[], bundled: BundleResult[]): string {
  const kib = (n: number) => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} KiB`;
  const runs = [...external, ...bundled][0]?.coldInitRuns ?? 0;
  const lines = [
    `Lambda bundles (${LAMBDA_BUNDLING.format}, ${LAMBDA_BUNDLING.target}, minified, source map external), this machine's Node ${process.version}`,
    `cold init: median of ${runs} fresh imports, wall / CPU time, node:http preloaded as by the Lambda runtime, NODE_OPTIONS=${LAMBDA_NODE_OPTIONS}`,
    '',
    '| function | SDK external: bytes, zipped, cold init wall / CPU | SDK bundled: bytes, zipped, cold init wall / CPU |',
    '|---|---:|---:|',
  ];
  for (const e of external) {
    const b = bundled.find((x) => x.function === e.function);
    lines.push(`| ${e.function} | ${bundleCell(e, kib)} | ${bundleCell(b, kib)} |`);
  }
  return lines.join('\n');
}

/** `994 KiB, 246 KiB, 405 / 180 ms (n=15)`. */
export function bundleCell(r: BundleResult | undefined, kib: (n: number) => string): string {
  return r ? `${kib(r.bytes)}, ${kib(r.zippedBytes)}, ${r.coldInitMs} / ${r.coldInitCpuMs} ms (n=${r.coldInitRuns})` : '–';
}
