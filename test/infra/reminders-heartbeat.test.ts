// test: the reminders handler emits the heartbeat the RemindersNotRun alarm watches, once
// per completed run and never for a failed one, and publishes it. The job itself is
// stubbed: this is about the adapter (test/integration/reminders.test.ts runs the job).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REMINDERS_HEARTBEAT } from '../../infra/constructs/monitoring.js';

vi.mock('../../shared/use-cases/run-reminders-job/index.js', () => ({
  runRemindersJob: vi.fn(async (date: string) => ({
    date,
    reminders: [],
    digests: [],
    unknownDigestOrgs: [],
    recovered: 0,
    due: 0,
    itemsRead: 0,
    read: {},
  })),
}));

const { createRemindersHandler } = await import('../../functions/reminders/handler.js');
const { runRemindersJob } = await import('../../shared/use-cases/run-reminders-job/index.js');
const { metrics } = await import('../../shared/observability/metrics.js');

/** The handler on a store the stubbed job never reads. */
const handler = () => createRemindersHandler({ store: {} as never, digestOrgs: [] });

describe('reminders heartbeat', () => {
  afterEach(() => vi.restoreAllMocks());

  function watchMetrics() {
    const added = vi.spyOn(metrics, 'addMetric');
    const published = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    return { added, published };
  }

  it('a completed run adds the heartbeat the alarm watches, then publishes it', async () => {
    // Prepare
    const { added, published } = watchMetrics();

    // Act
    await handler()({ date: '2026-12-01' }, {} as never);

    // Assess
    expect(added).toHaveBeenCalledWith(REMINDERS_HEARTBEAT.metricName, 'Count', 1);
    expect(published).toHaveBeenCalled();
    expect(added.mock.invocationCallOrder[0]).toBeLessThan(published.mock.invocationCallOrder.at(-1)!);
  });

  it('a failed run adds no heartbeat', async () => {
    // Prepare
    const { added } = watchMetrics();
    vi.mocked(runRemindersJob).mockRejectedValueOnce(new Error('table unavailable'));

    // Act
    await expect(handler()({ date: '2026-12-01' }, {} as never)).rejects.toThrow('table unavailable');

    // Assess
    expect(added).not.toHaveBeenCalledWith(REMINDERS_HEARTBEAT.metricName, expect.anything(), expect.anything());
  });
});
