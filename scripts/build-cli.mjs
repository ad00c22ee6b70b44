// Builds the `dangvien` CLI into dist/cli/: plain JavaScript for Node 24, so that the
// command starts without transpiling TypeScript and without devDependencies (its bare
// imports are the package's `dependencies`, which test/unit/cli-bundle checks).
// Runs at `npm ci`/`npm install` (prepare), before `npm start` and before the tests.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT_DIR = join(root, 'dist', 'cli');

/**
 * Bundles cli/main.ts (and the commands it loads on demand, as separate chunks).
 * `write: false` bundles in memory and leaves dist/cli alone (a test reads the bundle
 * while other tests run the CLI built there).
 */
export async function buildCli({ write = true } = {}) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (write) rmSync(CLI_OUT_DIR, { recursive: true, force: true });
  return build({
    write,
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    outdir: CLI_OUT_DIR,
    bundle: true,
    // Commands are imported when used: `--help` and `--version` load none of them.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // Dependencies stay imports, resolved from node_modules at run time.
    packages: 'external',
    sourcemap: true,
    outExtension: { '.js': '.mjs' },
    define: { __DANGVIEN_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
    metafile: true,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
