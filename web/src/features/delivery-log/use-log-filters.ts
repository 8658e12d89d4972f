import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { isMessageState, type MessageFilter, type MessageState } from './api.ts';

/**
 * The delivery log's filters and page, kept in the URL (`?state=failed&q=acme&page=2`) so
 * that a view can be reloaded, linked to and left with the back button. A new filter starts
 * again at page 1. Typing a search replaces the history entry instead of adding one per key.
 */
export function useLogFilters() {
  const [params, setParams] = useSearchParams();
  const stateParam = params.get('state');
  const q = params.get('q')?.trim() ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const filter: MessageFilter = useMemo(
    () => ({ state: isMessageState(stateParam) ? stateParam : undefined, q, page }),
    [stateParam, q, page],
  );

  const change = useCallback(
    (changes: Record<string, string | undefined>, replace = false) => {
      setParams((current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      }, { replace });
    },
    [setParams],
  );

  return {
    filter,
    /** Whether any filter narrows the log (the page number does not). */
    filtered: filter.state !== undefined || filter.q !== '',
    setState: (state: MessageState | undefined) => change({ state }),
    setQuery: (query: string) => change({ q: query.trim() || undefined }, true),
    setPage: (next: number) => change({ page: next > 1 ? String(next) : undefined }),
    clear: () => change({ state: undefined, q: undefined }),
  };
}
