import { Button, Group, Paper, Text } from '@mantine/core';

interface FormActionsProps {
  dirty: boolean;
  saving: boolean;
  onCancel: () => void;
}

/** Save and Cancel at the bottom of a form in edit mode; Save waits for a change. */
export function FormActions({ dirty, saving, onCancel }: FormActionsProps) {
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      pos="sticky"
      bottom={0}
      style={{ zIndex: 2 }}
      shadow="sm"
    >
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {dirty ? 'You have unsaved changes.' : 'No changes yet.'}
        </Text>
        <Group gap="sm">
          <Button variant="default" onClick={onCancel} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" disabled={!dirty} loading={saving}>
            Save
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
