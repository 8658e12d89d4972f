/** What a page shows before it has its data: a loader, an error with a retry, or a refusal. */
import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { isApiError } from '../api/client.ts';
import { WarningIcon } from './icons.tsx';

export function PageLoader({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl">
      <Loader size="md" role="status" aria-label={label} />
    </Center>
  );
}

/** What a user who is not an administrator sees on an administrator's page. */
export function AdministratorsOnly() {
  return (
    <Alert color="yellow" title="Administrators only" icon={<WarningIcon />}>
      <Text size="sm">Only an administrator can see this page.</Text>
    </Alert>
  );
}

interface PageErrorProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

export function PageError(props: PageErrorProps) {
  const { error, title = 'This page could not be loaded', onRetry } = props;
  if (isApiError(error) && error.status === 403) return <AdministratorsOnly />;
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return (
    <Alert color="red" title={title} icon={<WarningIcon />}>
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
