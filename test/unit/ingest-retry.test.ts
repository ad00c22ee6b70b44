// How the ingest handler retries throttling in place (functions/ingest/throttling.ts);
// the schedule of a waiting event's tries is test/unit/ingest-retry-schedule.test.ts.
import { describe, expect, it } from 'vitest';
import { isThrottling, retryWhileThrottled } from '../../functions/ingest/throttling.js';

describe('throttling', () => {
  const throttledTransaction = Object.assign(new Error('cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
  });
  const conflict = Object.assign(new Error('cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
  });

  it('is told from other failures: a transaction cancelled for throttling is, a condition failure is not', () => {
    expect(isThrottling(throttledTransaction)).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }))).toBe(true);
    expect(isThrottling(conflict)).toBe(false);
    expect(isThrottling(new Error('boom'))).toBe(false);
  });

  it('is retried until the work goes through; other errors are thrown at once', async () => {
    // Prepare
    let calls = 0;
    const throttledTwice = async () => {
      calls += 1;
      if (calls <= 2) throw throttledTransaction;
      return 'applied';
    };
    // Act / Assess
    await expect(retryWhileThrottled(throttledTwice)).resolves.toBe('applied');
    expect(calls).toBe(3);
    let other = 0;
    await expect(
      retryWhileThrottled(async () => {
        other += 1;
        throw conflict;
      }),
    ).rejects.toBe(conflict);
    expect(other).toBe(1);
  });

  it('gives up after its bounded attempts', async () => {
    let calls = 0;
    await expect(
      retryWhileThrottled(async () => {
        calls += 1;
        throw throttledTransaction;
      }, 3),
    ).rejects.toBe(throttledTransaction);
    expect(calls).toBe(3);
  });
});
