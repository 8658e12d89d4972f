import { Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { queryKeys } from '../../api/query-keys.ts';
import { PageError, PageLoader } from '../../components/page-state.tsx';
import { useSession } from '../auth/api.ts';
import { OutboxOverview } from '../outbox-status/outbox-overview.tsx';
import { useOutboxPaused } from '../outbox-status/use-outbox-paused.ts';
import { useMessages } from './api.ts';
import { LogFilters } from './log-filters.tsx';
import { LogResults } from './log-results.tsx';
import { MessageDrawer } from './message-drawer.tsx';
import { pollDelay } from './polling.ts';
import { useLogFilters } from './use-log-filters.ts';

export const deliveryLogPath = '/mail/log';

/**
 * Delivery log: every message the portal sends (an administrator's view) or the signed-in
 * user's own, newest first; /mail/log/:id opens one in a drawer over the list.
 */
export function DeliveryLogPage() {
  const { id } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: user } = useSession();
  const { paused } = useOutboxPaused(user);
  const filters = useLogFilters();
  const list = useMessages(filters.filter, (page) => pollDelay(page?.messages ?? [], paused));
  // The previous filter's rows stay while the next arrive, but not its "nothing here".
  const shown = list.isPlaceholderData && list.data?.total === 0 ? undefined : list.data;

  const detailLink = (messageId: string) =>
    `${deliveryLogPath}/${encodeURIComponent(messageId)}${location.search}`;
  const closeDetail = () => navigate(`${deliveryLogPath}${location.search}`);
  const administrator = user?.role === 'administrator';
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.mailMessages });
    if (administrator) void queryClient.invalidateQueries({ queryKey: queryKeys.outboxStats });
  };

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          Delivery log
        </Title>
        <Text size="sm" c="dimmed">
          {administrator
            ? 'Every message the portal sends: to whom, its state, and what the server answered.'
            : 'The messages you sent from the portal: to whom, their state, and what the server '
              + 'answered.'}
        </Text>
      </div>
      {administrator && <OutboxOverview />}
      <LogFilters
        state={filters.filter.state}
        query={filters.filter.q ?? ''}
        refreshing={list.isFetching && !list.isPending}
        onStateChange={filters.setState}
        onQueryChange={filters.setQuery}
        onRefresh={refresh}
      />
      {shown ? (
        <LogResults
          result={shown}
          filtered={filters.filtered}
          detailLink={detailLink}
          onClearFilters={filters.clear}
          onPageChange={filters.setPage}
        />
      ) : list.isError ? (
        <PageError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <PageLoader label="Loading the delivery log" />
      )}
      <MessageDrawer id={id} paused={paused} onClose={closeDetail} />
    </Stack>
  );
}
