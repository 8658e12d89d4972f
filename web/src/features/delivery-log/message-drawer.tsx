import { Alert, Drawer, Text } from '@mantine/core';
import { useState } from 'react';
import { isApiError } from '../../api/client.ts';
import { WarningIcon } from '../../components/icons.tsx';
import { PageError, PageLoader } from '../../components/page-state.tsx';
import { useMessage } from './api.ts';
import { MessageDetailView } from './message-detail.tsx';
import { pollDelay } from './polling.ts';

interface MessageDrawerProps {
  /** The message to show; none closes the drawer. */
  id: string | undefined;
  paused: boolean;
  onClose: () => void;
}

/** A message's detail over the log, opened by its URL. */
export function MessageDrawer({ id, paused, onClose }: MessageDrawerProps) {
  // The last message stays in the drawer while it slides out.
  const [shown, setShown] = useState(id);
  if (id && id !== shown) setShown(id);

  return (
    <Drawer.Root opened={id !== undefined} onClose={onClose} position="right" size="xl">
      <Drawer.Overlay />
      <Drawer.Content>
        {shown && <MessagePanel id={shown} paused={paused} />}
      </Drawer.Content>
    </Drawer.Root>
  );
}

/** Loads the message and says so while it does, when it failed, or when there is none. */
function MessagePanel({ id, paused }: { id: string; paused: boolean }) {
  const message = useMessage(id, (data) => pollDelay(data ? [data] : [], paused));
  const missing = message.isError && isApiError(message.error) && message.error.status === 404;

  return (
    <>
      <Drawer.Header>
        <Drawer.Title fw={650} fz="lg" style={{ overflowWrap: 'anywhere' }}>
          {message.data ? message.data.subject || '(no subject)' : 'Message'}
        </Drawer.Title>
        <Drawer.CloseButton aria-label="Close the message" />
      </Drawer.Header>
      <Drawer.Body>
        {message.data ? (
          <MessageDetailView message={message.data} />
        ) : message.isPending ? (
          <PageLoader label="Loading the message" />
        ) : missing ? (
          <Alert color="yellow" title="No such message" icon={<WarningIcon />}>
            <Text size="sm">
              There is no message with this address, or it is not one of yours.
            </Text>
          </Alert>
        ) : (
          <PageError
            error={message.error}
            title="The message could not be loaded"
            onRetry={() => void message.refetch()}
          />
        )}
      </Drawer.Body>
    </>
  );
}
