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
import { Link, NavLink, Outlet, useMatch, useNavigate } from 'react-router-dom';
import { GearIcon } from '../components/icons.tsx';
import type { User } from '../features/auth/api.ts';
import { OutboxBanners } from '../features/outbox-status/outbox-banners.tsx';
import { RedirectBanner } from '../features/status/redirect-banner.tsx';

/** A place in the header navigation, marked as current while one of its pages is open. */
function HeaderLink({ to, label }: { to: string; label: string }) {
  const current = useMatch({ path: to, end: false }) !== null;
  return (
    <Button
      component={NavLink}
      to={to}
      size="sm"
      variant={current ? 'light' : 'subtle'}
      color={current ? undefined : 'gray'}
    >
      {label}
    </Button>
  );
}

/**
 * The frame of every signed-in page: the header with the navigation, the banners (outbox
 * paused or held, redirect on), then the page.
 */
export function PortalShell({ user }: { user: User }) {
  const navigate = useNavigate();

  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Anchor component={Link} to="/" underline="never" c="inherit" fw={700} size="lg">
              Home Portal
            </Anchor>
            <Group component="nav" aria-label="Main" gap={4} wrap="nowrap">
              <HeaderLink to="/mail/log" label="Delivery log" />
            </Group>
          </Group>
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
          <OutboxBanners user={user} />
          <RedirectBanner user={user} />
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
