import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useSession } from '../features/auth/api.ts';

/** The landing page after sign-in. */
export function HomePage() {
  const { data: user } = useSession();
  return (
    <Stack>
      <Title order={1} size="h2">
        Welcome, {user?.firstName}
      </Title>
      <Paper withBorder radius="md" p="lg">
        {user?.role === 'administrator' ? (
          <Text>
            Outgoing e-mail, the company details and the portal&apos;s users are set up under{' '}
            <Anchor component={Link} to="/configuration">
              Configuration
            </Anchor>
            , also reached through the gear icon at the top right.
          </Text>
        ) : (
          <Text>
            You are signed in. Messages you send from the portal are signed with your name.
          </Text>
        )}
      </Paper>
    </Stack>
  );
}
