// The built CLI needs nothing but the package's dependencies, so it runs where only
// `npm ci --omit=dev` was done (docs/cli.md: `npx dangvien` from the repo).
import { mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.mjs';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the built dangvien CLI', () => {
  it('imports only Node built-ins and runtime dependencies, never a devDependency', async () => {
    // Act: bundled in memory, so that the CLI other tests run stays in place
    const { metafile } = await buildCli({ write: false });
    const imported = new Set(
      Object.values(metafile.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external)
        .map((i) => i.path),
    );
    // Assess
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const packages = [...imported].filter((p) => !builtins.has(p)).map(packageOf);
    expect(packages.length).toBeGreaterThan(0);
    for (const name of packages) {
      expect(Object.keys(packageJson.dependencies), `${name} must be a dependency`).toContain(name);
    }
  });
});
