import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

export interface PortalStatus {
  redirectAllToAdmin: boolean;
  administratorEmail: string;
  /** Whether the outbox stopped sending until an administrator resumes it. */
  outboxPaused: boolean;
  /** Why it paused: given to administrators only, while it is paused. */
  outboxPauseReason?: string;
}

/** `GET /api/status`: what every signed-in page shows, such as the redirect banner. */
export function usePortalStatus() {
  return useQuery({
    queryKey: queryKeys.status,
    queryFn: () => api.get<PortalStatus>('/api/status'),
    // Another administrator may turn the redirect on; a page left open should notice.
    refetchInterval: 60_000,
  });
}
