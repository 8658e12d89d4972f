import { Button, Group, Modal, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { DownloadIcon } from '../../components/icons.tsx';
import {
  rawMessageUrl,
  useCancelMessage,
  useResendMessage,
  type MessageDetail,
} from './api.ts';

/**
 * Resend, Cancel and Download .eml. Resend is offered once the message is at rest (a deferred
 * one is tried now instead of at its next attempt); Cancel while it has not been handed over.
 * Resending a sent message asks first: its recipients get it a second time. Success shows
 * as the new state above the buttons (a live region); only a refusal needs a notification.
 */
export function MessageActions({ message }: { message: MessageDetail }) {
  const resend = useResendMessage();
  const cancel = useCancelMessage();
  const [confirming, setConfirming] = useState(false);

  const resendable = ['sent', 'failed', 'cancelled', 'deferred'].includes(message.state);
  const cancellable = message.state === 'queued' || message.state === 'deferred';
  const failure = (title: string) => (error: Error) =>
    notifications.show({ color: 'red', title, message: error.message });

  const runResend = () => {
    setConfirming(false);
    resend.mutate(message.id, { onError: failure('The message was not resent') });
  };
  const runCancel = () =>
    cancel.mutate(message.id, { onError: failure('The message was not cancelled') });

  return (
    <Group gap="sm">
      {resendable && (
        <Button
          variant="outline"
          loading={resend.isPending}
          onClick={() => (message.state === 'sent' ? setConfirming(true) : runResend())}
        >
          {message.state === 'deferred' ? 'Retry now' : 'Resend'}
        </Button>
      )}
      {cancellable && (
        <Button variant="outline" color="red" loading={cancel.isPending} onClick={runCancel}>
          Cancel message
        </Button>
      )}
      {/* Known shortcoming: a plain link cannot show the API's refusal (a message that can no
          longer be composed with today's settings); the browser only reports a failed
          download, without the reason. */}
      <Button
        component="a"
        href={rawMessageUrl(message.id)}
        download
        variant="default"
        leftSection={<DownloadIcon size={16} />}
      >
        Download .eml
      </Button>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="Send this message again?"
        centered
      >
        <Text size="sm">
          It was sent already: its recipients receive it a second time, with the same
          Message-ID.
        </Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setConfirming(false)}>
            Keep it as it is
          </Button>
          <Button onClick={runResend}>Send again</Button>
        </Group>
      </Modal>
    </Group>
  );
}
