import {
  ActionIcon,
  Anchor,
  Paper,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { Link } from 'react-router-dom';
import { DownloadIcon } from '../../components/icons.tsx';
import { rawMessageUrl, type MessageSummary } from './api.ts';
import { formatFullMoment, formatMoment, senderLabel, shortList } from './format.ts';
import { StateBadge } from './state-badge.tsx';

interface MessageTableProps {
  messages: MessageSummary[];
  /** Where a message's detail opens, keeping the log's filters. */
  detailLink: (id: string) => string;
}

/** One page of the delivery log: a row per message, its subject opens the detail. */
export function MessageTable({ messages, detailLink }: MessageTableProps) {
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={860} type="native">
        <Table striped highlightOnHover verticalSpacing="sm" aria-label="Delivery log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Created</Table.Th>
              <Table.Th>Recipients</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>Sender</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th ta="right">Attempts</Table.Th>
              <Table.Th>
                <VisuallyHidden>Download</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {messages.map((message) => (
              <MessageRow key={message.id} message={message} link={detailLink(message.id)} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function MessageRow({ message, link }: { message: MessageSummary; link: string }) {
  const subject = message.subject || '(no subject)';
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={message.createdAt} title={formatFullMoment(message.createdAt)}>
          {formatMoment(message.createdAt)}
        </time>
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        <Text size="sm">{shortList(message.onlyTo ?? message.to)}</Text>
        {message.retryOf && (
          <Text size="xs" c="dimmed">
            again, after a refusal for now
          </Text>
        )}
        {message.redirectedTo && (
          <Text size="xs" c="orange.8">
            redirected to {message.redirectedTo}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        <Anchor component={Link} to={link} size="sm">
          {subject}
        </Anchor>
      </Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>
        <Text size="sm">{senderLabel(message.sender)}</Text>
      </Table.Td>
      <Table.Td>
        <StateCell message={message} />
      </Table.Td>
      <Table.Td ta="right">{message.attempts}</Table.Td>
      <Table.Td>
        <Tooltip label="Download .eml">
          <ActionIcon
            component="a"
            href={rawMessageUrl(message.id)}
            download
            variant="subtle"
            color="gray"
            aria-label={`Download “${subject}” as .eml`}
          >
            <DownloadIcon size={18} />
          </ActionIcon>
        </Tooltip>
      </Table.Td>
    </Table.Tr>
  );
}

/** The badge, and what the state is waiting for or ended with. */
function StateCell({ message }: { message: MessageSummary }) {
  const waiting = message.state === 'deferred' && message.nextAttemptAt;
  const refused = message.state === 'failed' || message.state === 'deferred';
  return (
    <Stack gap={2} align="flex-start">
      <StateBadge state={message.state} />
      {waiting && (
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          next try {formatMoment(message.nextAttemptAt!)}
        </Text>
      )}
      {refused && message.lastCode && (
        <Text size="xs" c="dimmed" title={message.lastResponse}>
          {message.lastCode}
        </Text>
      )}
    </Stack>
  );
}
