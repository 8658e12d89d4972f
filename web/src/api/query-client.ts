import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './client.ts';
import { queryKeys } from './query-keys.ts';

/**
 * The query client of the whole UI. A 401 from any query means the session ended (expired,
 * or signed out in another tab): the session is cleared, and the router sends the person to
 * the sign-in page.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        const isSessionQuery = query.queryKey[0] === queryKeys.session[0];
        if (isApiError(error) && error.status === 401 && !isSessionQuery) {
          client.setQueryData(queryKeys.session, null);
        }
      },
    }),
    defaultOptions: {
      queries: {
        // Settings forms take their values once; a refetch on focus would only surprise.
        refetchOnWindowFocus: false,
        retry: (count, error) => !isRefusal(error) && count < 2,
      },
    },
  });
  return client;
}

/** A 4xx answer will not change by asking again; network failures and 5xx may. */
function isRefusal(error: unknown): boolean {
  return isApiError(error) && error.status >= 400 && error.status < 500;
}
