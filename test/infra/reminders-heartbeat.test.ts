// test: the reminders handler emits the heartbeat the RemindersNotRun alarm watches, once
// per completed run and never for a failed one, and publishes it. The job itself is
// stubbed: this is about the adapter (test/integration/reminders.test.ts runs the job).
// After the run it counts the registered producers gone silent (the SilentProducers alarm).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REMINDERS_HEARTBEAT, SILENT_PRODUCERS } from '../../infra/constructs/monitoring.js';
import type { SourceActivityStore } from '../../shared/use-cases/source-activity/port.js';

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

  /** Sources last heard from: `csdl-hb` an hour ago, `csdl-lc` 20 days ago. */
  const activity = (fail = false): SourceActivityStore => ({
    add: async () => {},
    read: async () => {
      if (fail) throw new Error('table unavailable');
      return {
        days: [],
        lasts: [
          { source: 'csdl-hb', lastEventAt: new Date(Date.now() - 3_600_000).toISOString() },
          { source: 'csdl-lc', lastEventAt: new Date(Date.now() - 20 * 86_400_000).toISOString() },
        ],
      };
    },
  });
  const producers = async () => [
    { name: 'HB', sources: ['csdl-hb'] },
    { name: 'LC', sources: ['csdl-lc'] },
    { name: 'LC monthly', sources: ['csdl-lc'], silentAfterDays: 40 },
  ];

  it('counts the registered producers silent past their limit for the alarm, after the heartbeat', async () => {
    // Prepare
    const { added } = watchMetrics();
    const silentHandler = createRemindersHandler({
      store: {} as never,
      digestOrgs: [],
      silence: { sourceActivity: activity(), producers },
    });

    // Act
    await silentHandler({ date: '2026-12-01' }, {} as never);

    // Assess: LC is 20 days silent; HB sent an hour ago; the monthly one waits 40 days
    expect(added).toHaveBeenCalledWith(SILENT_PRODUCERS.metricName, 'Count', 1);
    expect(added).toHaveBeenCalledWith(REMINDERS_HEARTBEAT.metricName, 'Count', 1);
  });

  it('a silence check that cannot read its counters leaves the run completed and counts nothing', async () => {
    // Prepare
    const { added } = watchMetrics();
    const silentHandler = createRemindersHandler({
      store: {} as never,
      digestOrgs: [],
      silence: { sourceActivity: activity(true), producers },
    });

    // Act
    const outcome = await silentHandler({ date: '2026-12-01' }, {} as never);

    // Assess
    expect(outcome).toMatchObject({ date: '2026-12-01' });
    expect(added).toHaveBeenCalledWith(REMINDERS_HEARTBEAT.metricName, 'Count', 1);
    expect(added).not.toHaveBeenCalledWith(SILENT_PRODUCERS.metricName, expect.anything(), expect.anything());
  });
});
