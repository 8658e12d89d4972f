import {
  ActionIcon,
  Anchor,
  AppShell,
  Button,
  Container,
  Group,
  Text,
  Tooltip,
} from '@mantine/core';
import { Link, Outlet, useNavigate } from 'react-router-dom';
import { GearIcon } from '../components/icons.tsx';
import type { User } from '../features/auth/api.ts';
import { RedirectBanner } from '../features/status/redirect-banner.tsx';

/** The frame of every signed-in page: the header, the redirect banner, then the page. */
export function PortalShell({ user }: { user: User }) {
  const navigate = useNavigate();

  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/" underline="never" c="inherit" fw={700} size="lg">
            Home Portal
          </Anchor>
          <Group gap="sm" wrap="nowrap">
            {user.role === 'administrator' && (
              <Tooltip label="Configuration">
                <ActionIcon
                  component={Link}
                  to="/configuration"
                  variant="subtle"
                  color="gray"
                  size="lg"
                  aria-label="Configuration"
                >
                  <GearIcon />
                </ActionIcon>
              </Tooltip>
            )}
            <Text size="sm" c="dimmed" visibleFrom="sm">
              {user.firstName} {user.lastName}
            </Text>
            <Button variant="default" size="xs" onClick={() => navigate('/sign-out')}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Container size="lg" px={0}>
          <RedirectBanner user={user} />
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
