import type { BuildResult } from 'esbuild';

/** Where the built CLI goes. */
export declare const CLI_OUT_DIR: string;
/** Bundles cli/main.ts into `outdir`, by default dist/cli (see build-cli.mjs). */
export declare function buildCli(opts?: { outdir?: string }): Promise<BuildResult<{ metafile: true }>>;
