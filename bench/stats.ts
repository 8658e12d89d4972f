/** Small statistics for the figures: percentiles, medians, rates and sliding windows. */

/** The p-th percentile (0–100) of values, nearest rank; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Messages per second for `count` messages in `ms` milliseconds. */
export function rate(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.NaN;
}

/** The most timestamps (ms) that fall into any window [t, t + widthMs). */
export function busiestWindow(times: number[], widthMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= widthMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/**
 * The sustained rate of arrivals, per second: the least-squares slope of arrival number over
 * arrival time. Unlike count over span, it is not biased by arrivals that come in batches.
 */
export function sustainedRate(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  if (n < 2) return Number.NaN;
  const meanT = sorted.reduce((sum, t) => sum + t, 0) / n;
  const meanI = (n - 1) / 2;
  let covariance = 0;
  let variance = 0;
  sorted.forEach((t, i) => {
    covariance += (t - meanT) * (i - meanI);
    variance += (t - meanT) ** 2;
  });
  return variance > 0 ? (covariance / variance) * 1000 : Number.NaN;
}

/** The largest value (without spreading, which fails on very long lists). */
export function maxOf(values: number[]): number {
  return values.reduce((most, value) => (value > most ? value : most), Number.NEGATIVE_INFINITY);
}

/** User plus system time of a `process.cpuUsage()` reading, in microseconds. */
export function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}
