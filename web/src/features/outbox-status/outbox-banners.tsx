import { Alert, Anchor, Button, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link } from 'react-router-dom';
import { InfoIcon, PauseIcon } from '../../components/icons.tsx';
import type { User } from '../auth/api.ts';
import { useResumeOutbox, type OutboxStats } from './api.ts';
import { useOutboxPaused } from './use-outbox-paused.ts';

const emailSettingsPath = '/configuration/general/settings/email';
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * Says on every signed-in page that sending is paused (for everyone: their mail waits) and,
 * to administrators, why, with Resume; and that it is held while the server is unreachable.
 */
export function OutboxBanners({ user }: { user: User }) {
  const administrator = user.role === 'administrator';
  const { paused, reason, stats } = useOutboxPaused(user);

  return (
    <>
      {paused && <PausedBanner administrator={administrator} reason={reason} />}
      {administrator && !paused && stats?.heldUntil && <HeldNotice stats={stats} />}
    </>
  );
}

function PausedBanner({ administrator, reason }: { administrator: boolean; reason?: string }) {
  const resume = useResumeOutbox();
  const resumeSending = () =>
    resume.mutate(undefined, {
      onSuccess: () => notifications.show({ color: 'green', message: 'Sending resumed.' }),
      onError: (error) => notifications.show({
        color: 'red',
        title: 'Sending did not resume',
        message: error.message,
      }),
    });

  return (
    <Alert
      role="status"
      color="red"
      variant="light"
      icon={<PauseIcon />}
      mb="md"
      title="Sending is paused"
    >
      {administrator ? (
        <Stack gap="xs" align="flex-start">
          {reason && (
            <Text size="sm" fw={600}>
              {reason}
            </Text>
          )}
          <Text size="sm">
            Messages wait in the outbox. Correct the{' '}
            <Anchor component={Link} to={emailSettingsPath} size="sm" underline="always">
              e-mail settings
            </Anchor>{' '}
            if they are the cause, then resume sending.
          </Text>
          <Button size="xs" color="red" onClick={resumeSending} loading={resume.isPending}>
            Resume sending
          </Button>
        </Stack>
      ) : (
        <Text size="sm">
          Messages wait in the outbox and go out once an administrator resumes sending.
        </Text>
      )}
    </Alert>
  );
}

function HeldNotice({ stats }: { stats: OutboxStats }) {
  const until = stats.heldUntil ? timeOnly.format(new Date(stats.heldUntil)) : undefined;
  return (
    <Alert
      role="status"
      color="yellow"
      variant="light"
      icon={<InfoIcon />}
      mb="md"
      title="The SMTP server cannot be reached; delivery resumes by itself"
    >
      <Text size="sm">
        {until ? `The next try is at ${until}.` : 'The portal tries again shortly.'}
        {stats.holdReason ? ` ${stats.holdReason}` : ''}
      </Text>
    </Alert>
  );
}
