// infra: where the code the stack deploys lives, found from this file rather than from
// the working directory, so that `cdk synth` and the tests agree wherever they run.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the folder holding package.json and package-lock.json. */
export const repoRoot: string = fileURLToPath(new URL('..', import.meta.url));

/** The lock file NodejsFunction hashes and installs from. */
export const lockFile: string = join(repoRoot, 'package-lock.json');

/** The entry file of one Lambda function: `functions/<name>/index.ts`, its composition root, which exports `handler`. */
export function handlerEntry(name: string): string {
  return join(repoRoot, 'functions', name, 'index.ts');
}
