// docs/cli.md is the CLI's own help, exit codes and environment variables: it must be
// exactly what `npm run docs:cli` writes today, and every `DANGVIEN_*` variable the code
// reads must be in its table.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../cli/environment.js';
import { CLI_DOCS, cliDocs } from '../../scripts/generate-cli-docs.js';

/** The TypeScript and JavaScript files under these folders. */
function sourcesUnder(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name)),
  );
}

describe('docs/cli.md', () => {
  it('is what `npm run docs:cli` writes from the CLI today', () => {
    // Act
    const generated = cliDocs();
    // Assess
    expect(readFileSync(CLI_DOCS, 'utf8'), 'docs/cli.md is out of date: run npm run docs:cli').toBe(generated);
    expect(generated).toContain('### `dangvien person erase`');
    expect(generated).toContain('| 3 |');
  });

  it('lists every DANGVIEN_* environment variable the code reads, and none that it does not', () => {
    // Prepare
    const files = sourcesUnder('cli', 'local', 'shared', 'functions', 'infra', 'scripts', 'bench', 'test', 'bin').filter(
      (f) => f !== join('cli', 'environment.ts'),
    );
    // Act: names as code reads them (the build's __DANGVIEN_VERSION__ is no variable)
    const read = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?<![A-Z_])DANGVIEN_[A-Z_]+/g)].map((m) => m[0])));
    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect([...read].sort()).toEqual(ENVIRONMENT.map((v) => v.name).sort());
  });
});
