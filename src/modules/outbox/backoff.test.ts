import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdDelayMs, retryDelayMs } from './backoff.ts';

const policy = { baseSeconds: 60, maxSeconds: 3600 };

describe('retry backoff', () => {
  it('starts at about a minute and doubles per attempt', () => {
    const middle = () => 0.5;
    assert.equal(retryDelayMs(1, policy, middle), 60_000);
    assert.equal(retryDelayMs(2, policy, middle), 120_000);
    assert.equal(retryDelayMs(3, policy, middle), 240_000);
  });

  it('never waits longer than the maximum, whatever the attempt', () => {
    assert.equal(retryDelayMs(7, policy, () => 0.5), 3_600_000);
    assert.equal(retryDelayMs(500, policy, () => 0.5), 3_600_000);
  });

  it('spreads retries by up to a fifth either way', () => {
    assert.equal(retryDelayMs(1, policy, () => 0), 48_000);
    assert.equal(retryDelayMs(1, policy, () => 1), 72_000);
  });

  it('holds delivery for longer each time the server stays unreachable, up to a minute', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(holdDelayMs),
      [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
});
