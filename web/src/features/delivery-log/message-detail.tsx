import {
  ActionIcon,
  Alert,
  Anchor,
  Code,
  CopyButton,
  DataList,
  Group,
  ScrollArea,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { CheckIcon, CopyIcon, InfoIcon, WarningIcon } from '../../components/icons.tsx';
import type { MessageDetail } from './api.ts';
import { formatFullMoment, senderLabel } from './format.ts';
import { MessageActions } from './message-actions.tsx';
import { MessageAttempts } from './message-attempts.tsx';
import { StateBadge } from './state-badge.tsx';

/** Everything the log knows about one message: where it went, its state, every attempt. */
export function MessageDetailView({ message }: { message: MessageDetail }) {
  return (
    <Stack gap="lg">
      <Stack gap="sm">
        <Group gap="sm" wrap="nowrap" align="flex-start" aria-live="polite">
          <StateBadge state={message.state} />
          <Text size="sm">
            {stateSentence(message)}
          </Text>
        </Group>
        <MessageActions message={message} />
      </Stack>

      {message.redirectedTo && (
        <Alert color="yellow" icon={<InfoIcon />} title="Redirected to the administrator">
          Redirect All Mail to Admin was on: this message went to {message.redirectedTo}{' '}
          instead of its recipients.
        </Alert>
      )}
      {message.retryOf && (
        <Alert color="blue" icon={<InfoIcon />} title="Sent again to some recipients">
          The server refused {(message.onlyTo ?? []).join(', ')} for now when it took{' '}
          <Anchor component={Link} to={`/mail/log/${message.retryOf}`}>this message</Anchor> for
          the others. This entry sends it to them alone, with the same Message-ID and headers.
        </Alert>
      )}
      {message.rejected.length > 0 && (
        <Alert color="red" icon={<WarningIcon />} title="Refused recipients">
          The server refused {message.rejected.join(', ')}. The other recipients got the message.
          {message.retries.map((retry) => (
            <Text key={retry.id} size="sm" mt="xs">
              {retry.to.join(', ')}: refused for now,{' '}
              <Anchor component={Link} to={`/mail/log/${retry.id}`}>tried again</Anchor>{' '}
              ({retry.state}).
            </Text>
          ))}
        </Alert>
      )}

      <MessageFacts message={message} />
      <MessageAttempts attempts={message.attempts} />
      <MessageBody message={message} />
    </Stack>
  );
}

function stateSentence(message: MessageDetail): string {
  const until = formatFullMoment(message.expiresAt);
  switch (message.state) {
    case 'queued':
      return `Waiting to be sent. The portal keeps trying until ${until}.`;
    case 'sending':
      return 'Being handed to the SMTP server now.';
    case 'deferred':
      return message.nextAttemptAt
        ? `The server could not take it yet. Next attempt at ${
          formatFullMoment(message.nextAttemptAt)}; the portal keeps trying until ${until}.`
        : `The server could not take it yet. The portal keeps trying until ${until}.`;
    case 'sent':
      return message.sentAt
        ? `Accepted by the SMTP server on ${formatFullMoment(message.sentAt)}.`
        : 'Accepted by the SMTP server.';
    case 'failed':
      return 'Not delivered. The last attempt below says why.';
    case 'cancelled':
      return 'It will not be sent unless it is resent.';
  }
}

function MessageFacts({ message }: { message: MessageDetail }) {
  const { to, cc, bcc, redirectedTo } = message;
  return (
    <DataList aria-label="Message" labelWidth={110} gap="xs">
      <Fact label="To">{to.join(', ')}</Fact>
      {cc.length > 0 && <Fact label="Cc">{cc.join(', ')}</Fact>}
      {bcc.length > 0 && <Fact label="Bcc">{bcc.join(', ')}</Fact>}
      {redirectedTo && <Fact label="Delivered to">{redirectedTo}</Fact>}
      <Fact label="Signed by">{senderLabel(message.sender)}</Fact>
      <Fact label="Kind">{message.lane === 'crm' ? 'CRM mail' : 'Account mail'}</Fact>
      <Fact label="Message-ID">
        <MessageIdValue messageId={message.messageId} />
      </Fact>
      <Fact label="Created">{formatFullMoment(message.createdAt)}</Fact>
    </DataList>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

function MessageIdValue({ messageId }: { messageId: string }) {
  return (
    <Group gap={4} wrap="nowrap" align="center">
      <Code style={{ overflowWrap: 'anywhere' }}>{messageId}</Code>
      <CopyButton value={messageId}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy'}>
            <ActionIcon
              variant="subtle"
              color={copied ? 'green' : 'gray'}
              size="sm"
              onClick={copy}
              aria-label="Copy the Message-ID"
            >
              {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/** The message's text as the recipients read it; an HTML part is in the .eml download. */
function MessageBody({ message }: { message: MessageDetail }) {
  const hasHtml = Boolean(message.html);
  return (
    <Stack gap="xs" component="section" aria-label="Message text">
      <Title order={3} size="h5">
        Message text
      </Title>
      {message.text ? (
        <ScrollArea.Autosize mah={240} type="auto">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {message.text}
          </Text>
        </ScrollArea.Autosize>
      ) : (
        <Text size="sm" c="dimmed">
          {hasHtml ? 'The message has an HTML part only.' : 'The message has no text.'}
        </Text>
      )}
      {hasHtml && (
        <Text size="xs" c="dimmed">
          The HTML part is not shown here; download the .eml to see the message as it was sent.
        </Text>
      )}
    </Stack>
  );
}
