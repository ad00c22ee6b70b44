// `npm run synth`: `cdk synth` without the CDK CLI's check for a newer version of itself,
// on every platform. The check is switched off by an environment variable, and the
// `VAR=1 command` form is POSIX shell syntax that Windows' cmd.exe does not read; so the
// variable is set here and the pinned CLI is started with this very Node. Extra
// arguments pass through (`npm run synth -- -c stackName=DangVien-prod`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const cdk = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
const { status, error } = spawnSync(process.execPath, [cdk, 'synth', '--no-notices', '-q', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
});
if (error) throw error;
process.exit(status ?? 1);
