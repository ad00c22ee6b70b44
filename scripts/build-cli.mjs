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
 * Bundles cli/main.ts (and the commands it loads on demand, as separate chunks) into
 * `outdir` (default dist/cli; a test that only inspects the bundle builds elsewhere, so
 * as not to pull the CLI from under tests that run it).
 */
export async function buildCli({ outdir = CLI_OUT_DIR } = {}) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  rmSync(outdir, { recursive: true, force: true });
  return build({
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    outdir,
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
