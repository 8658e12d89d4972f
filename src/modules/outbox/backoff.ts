/**
 * When a deferred message is tried again: exponential backoff with jitter, from the base delay
 * (about a minute) doubling per attempt up to the maximum (an hour). The jitter (±20 %) keeps
 * the retries of a failed burst from arriving at the server together.
 */

export interface BackoffPolicy {
  baseSeconds: number;
  maxSeconds: number;
}

/** Milliseconds to wait after the given attempt (1 for the first) failed transiently. */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const delay = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** exponent);
  const jitter = 0.8 + 0.4 * random();
  return Math.round(delay * jitter * 1000);
}

/** How long to hold delivery after the server could not be reached the n-th time in a row. */
export function holdDelayMs(holds: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.min(Math.max(holds - 1, 0), 5));
}
