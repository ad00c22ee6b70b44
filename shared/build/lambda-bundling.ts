// build: how every Lambda function is bundled — the one definition that the CDK construct
// (infra/constructs/dangvien-function.ts, through NodejsFunction's `bundling`) and the
// bench's bundle measurement (bench/bundles.ts, through esbuild directly) both read, so
// that the sizes and cold starts the bench reports are those of what is deployed.
// No aws-cdk-lib import: the bench and the tests load this without the CDK.

/**
 * ESM bundles have no `require`, but some CommonJS dependencies call it for Node
 * built-ins; esbuild then emits a `require` shim that throws at run time. The banner
 * gives the bundle a real one (aws-cdk#29310).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

/**
 * The modules the Lambda runtime provides (the AWS SDK v3), which a bundle could leave
 * out. We bundle them anyway: the SDK that runs is then the one in package-lock.json,
 * which the tests ran, not whatever version the runtime ships that month; measured, the
 * bundle is about twice as large (≈ 0.25 MB zipped) and starts no slower
 * (README, "Performance").
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'] as const;

/**
 * The bundling settings, in the words of NodejsFunction's `BundlingOptions` (the string
 * values are those of its `OutputFormat.ESM` and `SourceMapMode.EXTERNAL`).
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  /** As `Runtime.NODEJS_24_X` (DangVienFunction.RUNTIME). */
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourceMapMode: 'external',
  sourcesContent: false,
  /** Nothing: the AWS SDK is bundled too (see RUNTIME_PROVIDED_MODULES). */
  externalModules: [] as string[],
} as const;

/**
 * `NODE_OPTIONS` of every function: the bundle ships a source map, so stack traces point
 * at the TypeScript. The bench's cold-init probe runs with it too.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** Whether the AWS SDK is bundled with the function (as deployed) or left to the runtime. */
export type SdkBundling = 'external' | 'bundled';

/**
 * The same settings as esbuild's build options (what NodejsFunction runs), for one entry;
 * `sdk: 'external'` leaves the AWS SDK to the runtime instead, for comparison.
 */
export function esbuildOptions(entry: string, outfile: string, sdk: SdkBundling = 'bundled') {
  const b = LAMBDA_BUNDLING;
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    format: b.format,
    target: b.target,
    mainFields: [...b.mainFields],
    banner: { js: b.banner },
    minify: b.minify,
    sourcemap: b.sourceMapMode,
    sourcesContent: b.sourcesContent,
    external: sdk === 'external' ? [...RUNTIME_PROVIDED_MODULES] : [...b.externalModules],
  };
}
