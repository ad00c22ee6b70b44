// (adapter) DynamoDB throttling inside one ingest invocation. The SDK retries a throttled
// call a few times itself, but not a TransactWriteItems cancelled because one of its items
// was throttled (TransactionCanceledException with a ThrottlingError reason). Failing the
// message for that would count a receive against a good event and, under sustained
// throttling, send it to the DLQ: it is retried here instead, with bounded backoff.

const THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'Throttling']);

/** Whether DynamoDB refused for load, not for the request: worth the same call again soon. */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING_ERRORS.has(error.name)) return true;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return error.name === 'TransactionCanceledException' && (reasons ?? []).some((r) => r.Code === 'ThrottlingError');
}

/** Full-jitter exponential backoff: 25 ms doubling, at most 2 s. */
const backoffMs = (attempt: number) => Math.random() * Math.min(2_000, 25 * 2 ** attempt);

/** Attempts of one event in one invocation: a few seconds at most. */
const MAX_ATTEMPTS = 8;

/** Runs `work`, again after a pause while DynamoDB throttles it; any other error is thrown at once. */
export async function retryWhileThrottled<T>(work: () => Promise<T>, attempts = MAX_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
