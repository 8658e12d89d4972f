/**
 * When the delivery log looks again at messages on their way: every second while one is
 * queued or being sent, at a deferred one's next attempt, and not at all for messages that
 * have reached their end or while the outbox is paused (nothing moves then).
 */
import type { MessageSummary } from './api.ts';

const soonest = 1000;
const latest = 60_000;

type Progressing = Pick<MessageSummary, 'state' | 'nextAttemptAt'>;

export function pollDelay(messages: Progressing[], paused: boolean): number | false {
  if (paused) return false;
  if (messages.some(({ state }) => state === 'queued' || state === 'sending')) return soonest;

  const nextAttempts = messages
    .filter(({ state, nextAttemptAt }) => state === 'deferred' && nextAttemptAt)
    .map(({ nextAttemptAt }) => Date.parse(nextAttemptAt!))
    .filter((at) => !Number.isNaN(at));
  if (nextAttempts.length === 0) return false;
  // Half a second after it is due, when the worker has most likely answered.
  const wait = Math.min(...nextAttempts) - Date.now() + 500;
  return Math.min(latest, Math.max(soonest, wait));
}
