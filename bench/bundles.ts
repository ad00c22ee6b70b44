// bench: the Lambda bundles as deployed — sizes and cold init, with the AWS SDK bundled
// with the function (as deployed) or left to the runtime. `npm run bench -- --bundles-only`
// runs just this, without the emulators.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { esbuildOptions, LAMBDA_BUNDLING, type SdkBundling } from '../shared/build/lambda-bundling.js';

/** The functions under functions/<name>/handler.ts. */
const FUNCTIONS = ['ingest', 'figures', 'reminders', 'report-api'] as const;

export interface BundleResult {
  function: string;
  sdk: SdkBundling;
  bytes: number;
  /** Deflated at level 9: about what the deployment zip holds for the code (the source map aside). */
  zippedBytes: number;
  /** Median time to import the bundle in a fresh Node process (module init, SDK included). */
  coldInitMs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/**
 * Bundles each handler with the deployed settings (shared/build/lambda-bundling.ts) and
 * times its import in `runs` fresh processes.
 */
export async function measureBundles(root: string, sdk: SdkBundling = 'bundled', runs = 5): Promise<BundleResult[]> {
  const { build } = await import('esbuild');
  // Inside node_modules so that the external @aws-sdk/* resolve as they would in the runtime.
  const outDir = join(root, 'node_modules', '.cache', 'dangvien-bench', sdk);
  mkdirSync(outDir, { recursive: true });
  const out: BundleResult[] = [];
  for (const name of FUNCTIONS) {
    const entry = join(root, 'functions', name, 'handler.ts');
    if (!existsSync(entry)) continue;
    const outfile = join(outDir, `${name}.mjs`);
    await build({ ...esbuildOptions(entry, outfile, sdk), logLevel: 'silent' });
    const code = readFileSync(outfile);
    out.push({
      function: name,
      sdk,
      bytes: code.length,
      zippedBytes: deflateRawSync(code, { level: 9 }).length,
      coldInitMs: Math.round(coldInit(outfile, name, runs)),
    });
  }
  return out;
}

/**
 * The median time of `import(outfile)` in fresh processes, with the environment the
 * handlers read at load. A first, discarded run warms the file cache, as the files of a
 * deployed function are local to its sandbox.
 */
function coldInit(outfile: string, name: string, runs: number): number {
  const times: number[] = [];
  for (let i = -1; i < runs; i++) {
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); console.log(performance.now() - t);`,
      ],
      {
        env: {
          ...process.env,
          AWS_REGION: 'ap-southeast-1',
          POWERTOOLS_SERVICE_NAME: name,
          RECORDS_TABLE_NAME: 'x',
          FIGURES_TABLE_NAME: 'x',
        },
        encoding: 'utf8',
      },
    );
    const ms = Number(probe.stdout.trim().split('\n').pop());
    if (i >= 0 && Number.isFinite(ms)) times.push(ms);
  }
  return median(times);
}

/** A table of both measurements side by side, one row per function. */
export function renderBundles(external: BundleResult[], bundled: BundleResult[]): string {
  const kib = (n: number) => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} KiB`;
  const lines = [
    `Lambda bundles (${LAMBDA_BUNDLING.format}, ${LAMBDA_BUNDLING.target}, minified, source map external), this machine's Node ${process.version}`,
    '',
    '| function | SDK external: bytes, zipped, cold init | SDK bundled: bytes, zipped, cold init |',
    '|---|---:|---:|',
  ];
  for (const e of external) {
    const b = bundled.find((x) => x.function === e.function);
    const cell = (r: BundleResult | undefined) => (r ? `${kib(r.bytes)}, ${kib(r.zippedBytes)}, ${r.coldInitMs} ms` : '–');
    lines.push(`| ${e.function} | ${cell(e)} | ${cell(b)} |`);
  }
  return lines.join('\n');
}
