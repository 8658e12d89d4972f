/** The general settings endpoints, one hook each. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { GeneralSettings } from '../../shared/settings.ts';

/** `GET /api/settings/general`. */
export function useGeneralSettings() {
  return useQuery({
    queryKey: queryKeys.generalSettings,
    queryFn: () => api.get<GeneralSettings>('/api/settings/general'),
  });
}

/** `PUT /api/settings/general`; the redirect banner names the administrator's address. */
export function useSaveGeneralSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: GeneralSettings) =>
      api.put<GeneralSettings>('/api/settings/general', settings),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.generalSettings, saved);
      void queryClient.invalidateQueries({ queryKey: queryKeys.status });
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditLog });
    },
  });
}
