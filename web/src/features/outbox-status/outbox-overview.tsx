import { Box, Group, Paper, Progress, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { messageStates, type MessageState } from '../delivery-log/api.ts';
import { stateLabels } from '../delivery-log/state-badge.tsx';
import { useOutboxStats, type OutboxCounts } from './api.ts';
import { useRunProgress, type RunProgress } from './use-run-progress.ts';

/** Counts that call for attention when they are not zero. */
const alarming: Partial<Record<MessageState, string>> = { failed: 'red.7', deferred: 'orange.7' };

/**
 * The outbox at a glance, for administrators: how many messages are in each state and, while
 * there is work, how far the run has come. It follows a run second by second, and stops
 * asking once nothing is left to send.
 */
export function OutboxOverview() {
  const stats = useOutboxStats({ live: true });
  const run = useRunProgress(stats.data);
  const headingId = useId();

  return (
    <Paper component="section" withBorder radius="md" p="md" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Text id={headingId} fw={650}>
          Outbox
        </Text>
        {stats.data ? (
          <OutboxCountList counts={stats.data.counts} />
        ) : stats.isError ? (
          <Text size="sm" c="red.7">
            The outbox&apos;s counts could not be loaded: {stats.error.message}
          </Text>
        ) : (
          <Skeleton height={44} />
        )}
        {run && <RunProgressBar run={run} />}
      </Stack>
    </Paper>
  );
}

function OutboxCountList({ counts }: { counts: OutboxCounts }) {
  return (
    <SimpleGrid component="dl" cols={{ base: 3, sm: 6 }} spacing="sm" m={0}>
      {messageStates.map((state) => (
        <Box key={state}>
          <Text component="dt" size="xs" c="dimmed" tt="uppercase" fw={600}>
            {stateLabels[state]}
          </Text>
          <Text
            component="dd"
            m={0}
            fz="xl"
            fw={700}
            c={counts[state] > 0 ? alarming[state] : undefined}
            style={{ fontVariantNumeric: 'tabular-nums' }}
          >
            {counts[state].toLocaleString()}
          </Text>
        </Box>
      ))}
    </SimpleGrid>
  );
}

/** The run as a bar beside "sent / total"; failed and cancelled ones move the bar too. */
function RunProgressBar({ run }: { run: RunProgress }) {
  const done = run.sent + run.notSent;
  const percent = run.total > 0 ? Math.round((done / run.total) * 100) : 0;
  return (
    <Group gap="md" wrap="nowrap">
      <Progress
        aria-label="Sending progress"
        value={percent}
        size="lg"
        animated={run.working}
        style={{ flex: 1 }}
      />
      <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
        {run.sent.toLocaleString()} / {run.total.toLocaleString()} sent
        {run.notSent > 0 && (
          <Text span size="sm" c="dimmed" fw={400}>
            {' '}
            ({run.notSent.toLocaleString()} not sent)
          </Text>
        )}
        {!run.working && (
          <Text span size="sm" c="dimmed" fw={400}>
            {' '}
            (paused)
          </Text>
        )}
      </Text>
    </Group>
  );
}
