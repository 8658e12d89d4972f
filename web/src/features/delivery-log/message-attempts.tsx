import { Badge, Box, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import type { AttemptOutcome, DeliveryAttempt } from './api.ts';
import { formatDuration, formatFullMoment } from './format.ts';

const outcomes: Record<AttemptOutcome, { label: string; color: string; meaning: string }> = {
  sent: { label: 'Sent', color: 'green', meaning: 'The server accepted the message.' },
  deferred: {
    label: 'Deferred',
    color: 'orange',
    meaning: 'A temporary failure: the message is tried again later.',
  },
  failed: { label: 'Failed', color: 'red', meaning: 'A permanent failure: no further attempt.' },
  held: {
    label: 'Held',
    color: 'yellow',
    meaning: 'The server could not be reached; this did not count as an attempt.',
  },
  paused: {
    label: 'Paused',
    color: 'gray',
    meaning: 'The server refused the login, so sending paused; this did not count as an attempt.',
  },
};

function outcomeOf(outcome: string) {
  return outcomes[outcome as AttemptOutcome] ?? { label: outcome, color: 'gray', meaning: '' };
}

/** Every attempt at the message, oldest first, with what the server answered. */
export function MessageAttempts({ attempts }: { attempts: DeliveryAttempt[] }) {
  const headingId = useId();
  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId}>
      <Title order={3} size="h5" id={headingId}>
        Attempts
      </Title>
      {attempts.length === 0 ? (
        <Text size="sm" c="dimmed">
          No attempt yet.
        </Text>
      ) : (
        <Box
          component="ol"
          aria-label="Delivery attempts"
          m={0}
          p={0}
          style={{ listStyle: 'none', border: '1px solid var(--mantine-color-gray-3)',
            borderRadius: 'var(--mantine-radius-md)' }}
        >
          {attempts.map((attempt, index) => (
            <Box
              component="li"
              key={`${attempt.at}-${index}`}
              px="md"
              py="sm"
              style={index > 0 ? { borderTop: '1px solid var(--mantine-color-gray-2)' } : undefined}
            >
              <AttemptItem attempt={attempt} number={index + 1} />
            </Box>
          ))}
        </Box>
      )}
    </Stack>
  );
}

function AttemptItem({ attempt, number }: { attempt: DeliveryAttempt; number: number }) {
  const outcome = outcomeOf(attempt.outcome);
  const facts = [
    attempt.responseCode !== undefined ? `reply code ${attempt.responseCode}` : undefined,
    attempt.command ? `after ${attempt.command}` : undefined,
    attempt.code ? attempt.code : undefined,
  ].filter(Boolean);

  return (
    <Stack gap={6}>
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600}>
          Attempt {number}
        </Text>
        <Badge color={outcome.color} variant="light" radius="sm" title={outcome.meaning}>
          {outcome.label}
        </Badge>
        <Text size="sm" c="dimmed">
          <time dateTime={attempt.at}>{formatFullMoment(attempt.at)}</time>
          {' · '}
          {formatDuration(attempt.ms)}
        </Text>
      </Group>
      {attempt.target.length > 0 && (
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          To {attempt.target.join(', ')}
        </Text>
      )}
      {attempt.response && (
        <div>
          <Text size="xs" c="dimmed">
            Server reply{facts.length > 0 ? ` (${facts.join(', ')})` : ''}
          </Text>
          <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {attempt.response}
          </Code>
        </div>
      )}
      {!attempt.response && facts.length > 0 && (
        <Text size="xs" c="dimmed">
          {facts.join(', ')}
        </Text>
      )}
    </Stack>
  );
}
