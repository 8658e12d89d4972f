import type { User } from '../auth/api.ts';
import { usePortalStatus } from '../status/api.ts';
import { useOutboxStats } from './api.ts';

/**
 * Whether sending is paused, and why (for administrators). Everyone learns it from the
 * status; an administrator's page also has the outbox's counts, which may be newer (the
 * delivery log follows them every second during a run): whichever came last wins.
 */
export function useOutboxPaused(user: User | null | undefined) {
  const administrator = user?.role === 'administrator';
  const status = usePortalStatus();
  const stats = useOutboxStats({ enabled: administrator });

  if (stats.data && stats.dataUpdatedAt >= status.dataUpdatedAt) {
    return { paused: stats.data.paused, reason: stats.data.reason, stats: stats.data };
  }
  return {
    paused: status.data?.outboxPaused === true,
    reason: status.data?.outboxPauseReason,
    stats: stats.data,
  };
}
