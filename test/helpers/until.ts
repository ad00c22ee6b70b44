// Waiting in tests: on a condition, polled, never a sleep of a fixed length.
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A hang guard, not a speed limit: under the integration tests' and hooks' own 600 s
 * (vitest.config.ts), so that a condition that never comes fails by its name instead of
 * as a bare timeout. A slow machine only waits longer.
 */
const HANG_GUARD_MS = 540_000;

/** Resolves once `condition` holds, asking again every `intervalMs`; rejects naming `what` after the hang guard. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, { intervalMs = 100 } = {}): Promise<void> {
  const guard = Date.now() + HANG_GUARD_MS;
  while (!(await condition())) {
    if (Date.now() > guard) throw new Error(`still waiting after ${HANG_GUARD_MS / 1000} s: ${what}`);
    await delay(intervalMs);
  }
}
