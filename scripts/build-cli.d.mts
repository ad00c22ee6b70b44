import type { BuildResult } from 'esbuild';

/** Where the built CLI goes. */
export declare const CLI_OUT_DIR: string;
/** Bundles cli/main.ts into dist/cli, or in memory with `write: false` (see build-cli.mjs). */
export declare function buildCli(options?: { write?: boolean }): Promise<BuildResult<{ metafile: true }>>;
