// The bench's percentiles say how many samples they are of, and when there are too few
// for a p99 to be anything but the largest.
import { describe, expect, it } from 'vitest';
import { formatPercentiles, percentiles } from '../../bench/report.js';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('bench percentiles', () => {
  it('below 100 samples, calls the p99 what it is: the maximum, of n', () => {
    // Arrange: 20 latencies, the naive sample's size
    const values = oneTo(20).reverse();
    // Act
    const p = percentiles(values);
    // Assert
    expect(p).toEqual({ n: 20, p50: 10, p99: 20, p99IsMax: true });
    expect(formatPercentiles(p)).toBe('10 / 20 ms (n=20, p99 = max of 20)');
  });

  it('from 100 samples on, gives a p99 below the maximum and just the n', () => {
    // Arrange: 300 latencies, the paced sample's size
    const values = oneTo(300);
    // Act
    const p = percentiles(values);
    // Assert
    expect(p).toEqual({ n: 300, p50: 150, p99: 297, p99IsMax: false });
    expect(formatPercentiles(p)).toBe('150 / 297 ms (n=300)');
  });
});
