// What the Lambdas bundle is what the tests ran: every AWS SDK client in the lock file
// shares one @aws-sdk/core (the clients are released separately, so their own versions differ).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the AWS SDK in package-lock.json', () => {
  it('has exactly one version of @aws-sdk/core and of @smithy/core', () => {
    // Prepare
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    const versionsOf = (name: string) =>
      new Set(
        Object.entries(lock.packages)
          .filter(([path]) => path.endsWith(`node_modules/${name}`))
          .map(([, p]) => p.version),
      );
    // Assess
    expect([...versionsOf('@aws-sdk/core')]).toHaveLength(1);
    expect([...versionsOf('@smithy/core')]).toHaveLength(1);
  });
});
