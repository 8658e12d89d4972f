import { Button, EmptyState, Group, Pagination, Paper, Text } from '@mantine/core';
import { MailIcon, SearchIcon } from '../../components/icons.tsx';
import type { MessagePage } from './api.ts';
import { MessageTable } from './message-table.tsx';

interface LogResultsProps {
  result: MessagePage;
  /** Whether a state or a search narrows the log. */
  filtered: boolean;
  detailLink: (id: string) => string;
  onClearFilters: () => void;
  onPageChange: (page: number) => void;
}

/**
 * The log's page of messages with paging, or why there is none: nothing has been sent yet,
 * nothing matches the filters, or the page is past the end.
 */
export function LogResults(props: LogResultsProps) {
  const { result, filtered, detailLink, onClearFilters, onPageChange } = props;
  const { messages, total, page, pageSize } = result;
  const pages = Math.max(1, Math.ceil(total / pageSize));

  if (total === 0 && !filtered) {
    return (
      <Paper withBorder radius="md" p="xl">
        <EmptyState
          icon={<MailIcon size={28} />}
          withIndicatorBackground
          title="Nothing sent yet"
          description="Messages appear here as soon as the portal queues them, and stay with
            every attempt to deliver them."
        />
      </Paper>
    );
  }
  if (total === 0) {
    return (
      <Paper withBorder radius="md" p="xl">
        <EmptyState
          icon={<SearchIcon size={28} />}
          withIndicatorBackground
          title="No message matches"
          description="No message has this state or a recipient or subject with these words."
        >
          <EmptyState.Actions>
            <Button variant="default" onClick={onClearFilters}>
              Clear the filters
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      </Paper>
    );
  }

  const first = (page - 1) * pageSize + 1;
  return (
    <>
      {messages.length === 0 ? (
        <Text c="dimmed">
          There is no page {page}; the log has {pages} {pages === 1 ? 'page' : 'pages'}.{' '}
          <Button variant="subtle" size="compact-sm" onClick={() => onPageChange(1)}>
            Go to the first page
          </Button>
        </Text>
      ) : (
        <MessageTable messages={messages} detailLink={detailLink} />
      )}
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {messages.length > 0
            ? `${first}–${first + messages.length - 1} of ${total} messages`
            : `${total} messages`}
        </Text>
        {pages > 1 && (
          <Pagination
            total={pages}
            value={Math.min(page, pages)}
            onChange={onPageChange}
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
          />
        )}
      </Group>
    </>
  );
}
