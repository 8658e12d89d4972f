/** The outbox's counts and Resume, for administrators. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { MessageState } from '../delivery-log/api.ts';

export type OutboxCounts = Record<MessageState, number>;

export interface OutboxStats {
  counts: OutboxCounts;
  /** Sending stopped until an administrator resumes it, such as after a refused login. */
  paused: boolean;
  reason?: string;
  pausedAt?: string;
  /** Sending waits for an unreachable server until then, and then resumes by itself. */
  heldUntil?: string;
  holdReason?: string;
}

/** Messages the worker still has to hand over. */
export function pendingCount(counts: OutboxCounts): number {
  return counts.queued + counts.sending + counts.deferred;
}

/** Whether the outbox has work it is doing now (not paused, something left to send). */
export function isWorking(stats: OutboxStats | undefined): boolean {
  return stats !== undefined && !stats.paused && pendingCount(stats.counts) > 0;
}

interface StatsOptions {
  /** Whether to follow a run second by second, for a page that shows its progress. */
  live?: boolean;
  enabled?: boolean;
}

/**
 * `GET /api/outbox/stats`. A live view polls every second, but only while work runs; every
 * view checks a hold every few seconds (it ends by itself) and otherwise once a minute.
 */
export function useOutboxStats({ live = false, enabled = true }: StatsOptions = {}) {
  return useQuery({
    queryKey: queryKeys.outboxStats,
    queryFn: () => api.get<OutboxStats>('/api/outbox/stats'),
    enabled,
    refetchInterval: (query) => {
      const stats = query.state.data;
      if (live && isWorking(stats)) return 1000;
      if (stats?.heldUntil) return 5000;
      return 60_000;
    },
  });
}

/** `POST /api/outbox/resume`: sending starts again; the banners and the counts follow. */
export function useResumeOutbox() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<OutboxStats>('/api/outbox/resume'),
    onSuccess: (stats) => {
      queryClient.setQueryData(queryKeys.outboxStats, stats);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.status });
      void queryClient.invalidateQueries({ queryKey: queryKeys.outboxStats });
      void queryClient.invalidateQueries({ queryKey: queryKeys.mailMessages });
    },
  });
}
