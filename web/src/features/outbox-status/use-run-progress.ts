import { useRef } from 'react';
import { pendingCount, type OutboxCounts, type OutboxStats } from './api.ts';

/** How far the outbox is through the work it has now. */
export interface RunProgress {
  sent: number;
  /** Failed or cancelled during the run: done, but not sent. */
  notSent: number;
  /** Everything the run has done plus what is still to do. */
  total: number;
  /** Whether the worker is sending now (not paused). */
  working: boolean;
}

function finished(counts: OutboxCounts): number {
  return counts.sent + counts.failed + counts.cancelled;
}

/**
 * The run the outbox is in, from the counts it reports: a run starts when work appears and
 * ends when none is left. The counts are the outbox's totals, so the run is measured from
 * the last counts seen without work.
 *
 * Known shortcoming: the outbox does not report its runs, so a page opened in the middle of
 * one counts from the moment it opened; what was sent before is left out of both numbers.
 */
export function useRunProgress(stats: OutboxStats | undefined): RunProgress | undefined {
  const idle = useRef<OutboxCounts | undefined>(undefined);
  const start = useRef<OutboxCounts | undefined>(undefined);
  if (!stats) return undefined;

  const { counts } = stats;
  const pending = pendingCount(counts);
  if (pending === 0) {
    idle.current = counts;
    start.current = undefined;
    return undefined;
  }
  start.current ??= idle.current ?? counts;

  const sent = Math.max(0, counts.sent - start.current.sent);
  const done = Math.max(0, finished(counts) - finished(start.current));
  return { sent, notSent: Math.max(0, done - sent), total: done + pending, working: !stats.paused };
}
