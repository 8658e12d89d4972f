/** The session, sign-in, sign-out and first-visit setup endpoints, one hook each. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

export type Role = 'administrator' | 'user';

export interface User {
  id: string | number;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
}

export interface Credentials {
  email: string;
  password: string;
}

export interface FirstAdministrator extends Credentials {
  firstName: string;
  lastName: string;
}

/** `GET /api/auth/session`: the signed-in user, or null when nobody is signed in. */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: async (): Promise<User | null> => {
      try {
        return (await api.get<{ user: User }>('/api/auth/session')).user;
      } catch (error) {
        if (isApiError(error) && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Infinity,
  });
}

/** `GET /api/setup`: whether the portal still needs its first administrator. */
export function useSetupStatus(enabled = true) {
  return useQuery({
    queryKey: queryKeys.setup,
    queryFn: () => api.get<{ needed: boolean }>('/api/setup'),
    enabled,
  });
}

/** `POST /api/auth/sign-in`. */
export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) =>
      api.post<{ user: User }>('/api/auth/sign-in', credentials),
    onSuccess: ({ user }) => {
      queryClient.setQueryData(queryKeys.session, user);
    },
  });
}

/** `POST /api/setup`: creates the first administrator and signs them in. */
export function useSetup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (administrator: FirstAdministrator) =>
      api.post<{ user: User }>('/api/setup', administrator),
    onSuccess: ({ user }) => {
      queryClient.setQueryData(queryKeys.setup, { needed: false });
      queryClient.setQueryData(queryKeys.session, user);
    },
  });
}

/** `POST /api/auth/sign-out`: forgets everything the previous user could see. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/auth/sign-out'),
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.session, null);
    },
  });
}
