#!/usr/bin/env node
// The `dangvien` command: the CLI as built into dist/cli by `npm ci` (scripts/build-cli.mjs).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.mjs', import.meta.url);
if (!existsSync(main)) {
  console.error('dangvien: the CLI is not built yet; run `npm run build` (npm ci does it)');
  process.exit(2);
}
await import(main.href);
