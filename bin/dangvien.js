#!/usr/bin/env node
// The `dangvien` command: runs the TypeScript CLI through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../cli/main.ts');
