import { Badge } from '@mantine/core';
import type { MessageState } from './api.ts';

export const stateLabels: Record<MessageState, string> = {
  queued: 'Queued',
  sending: 'Sending',
  deferred: 'Deferred',
  sent: 'Sent',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const stateColors: Record<MessageState, string> = {
  queued: 'blue',
  sending: 'indigo',
  deferred: 'orange',
  sent: 'green',
  failed: 'red',
  cancelled: 'gray',
};

/** A message's state as a coloured badge; the word carries the meaning, the colour helps. */
export function StateBadge({ state }: { state: MessageState }) {
  return (
    // A badge never shrinks: beside a long sentence it would be cut to "DEFE…".
    <Badge color={stateColors[state] ?? 'gray'} variant="light" radius="sm" style={{ flexShrink: 0 }}>
      {stateLabels[state] ?? state}
    </Badge>
  );
}
