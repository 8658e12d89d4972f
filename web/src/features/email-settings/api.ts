/** The e-mail settings endpoints, one hook each. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type {
  EmailSettingsInput,
  EmailSettingsView,
  TestEmailRequest,
  TestEmailResult,
} from '../../shared/settings.ts';

/** `GET /api/settings/email`. */
export function useEmailSettings() {
  return useQuery({
    queryKey: queryKeys.emailSettings,
    queryFn: () => api.get<EmailSettingsView>('/api/settings/email'),
  });
}

/**
 * `PUT /api/settings/email`. The redirect banner reads the status and every save is a line in
 * the audit log, so both are refreshed.
 */
export function useSaveEmailSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: EmailSettingsInput) =>
      api.put<EmailSettingsView>('/api/settings/email', settings),
    onSuccess: (view) => {
      queryClient.setQueryData(queryKeys.emailSettings, view);
      void queryClient.invalidateQueries({ queryKey: queryKeys.status });
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditLog });
    },
  });
}

/** `POST /api/settings/email/test`: an SMTP failure is an answer (`ok: false`), not an error. */
export function useSendTestEmail() {
  return useMutation({
    mutationFn: (request: TestEmailRequest) =>
      api.post<TestEmailResult>('/api/settings/email/test', request),
  });
}
