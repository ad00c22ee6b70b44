import type { BuildResult } from 'esbuild';

/** Where the built CLI goes. */
export declare const CLI_OUT_DIR: string;
/** Bundles cli/main.ts into dist/cli (see build-cli.mjs). */
export declare function buildCli(): Promise<BuildResult<{ metafile: true }>>;
