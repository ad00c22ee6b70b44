// shared/lazy.ts: what the Lambdas defer out of their cold start is made once, on first
// use — and a failure is not kept, so the next request tries again.
import { describe, expect, it } from 'vitest';
import { lazy } from '../../shared/lazy.js';

describe('lazy', () => {
  it('makes nothing until asked, then once for every caller', async () => {
    // Arrange
    let made = 0;
    const client = lazy(async () => ({ id: ++made }));
    expect(made).toBe(0);
    // Act: two requests at the same time, then a third
    const [a, b] = await Promise.all([client(), client()]);
    const c = await client();
    // Assert
    expect(made).toBe(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('tries again after a throw instead of keeping the failure', () => {
    // Arrange: the first attempt fails
    let attempts = 0;
    const parsed = lazy(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('not yet');
      return 'parsed';
    });
    // Act and Assert
    expect(() => parsed()).toThrow('not yet');
    expect(parsed()).toBe('parsed');
    expect(parsed()).toBe('parsed');
    expect(attempts).toBe(2);
  });
});
