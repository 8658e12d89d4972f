/** The audit log endpoint. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

export interface AuditEntry {
  at: string;
  userEmail: string;
  setting: string;
  change: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
  /** Entries per page, when the server says; otherwise `defaultAuditPageSize`. */
  pageSize?: number;
}

export const defaultAuditPageSize = 50;

/** `GET /api/settings/audit?page=`: one page of settings changes, newest first. */
export function useAuditLog(page: number) {
  return useQuery({
    queryKey: queryKeys.auditLogPage(page),
    queryFn: () => api.get<AuditPage>(`/api/settings/audit?page=${page}`),
    placeholderData: keepPreviousData,
  });
}
