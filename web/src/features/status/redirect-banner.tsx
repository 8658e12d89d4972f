import { Alert, Anchor, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { WarningIcon } from '../../components/icons.tsx';
import type { User } from '../auth/api.ts';
import { usePortalStatus } from './api.ts';

/**
 * Says, on every signed-in page, that Redirect All Mail to Admin is on: while it is, no
 * client or vendor receives anything, which nobody should be able to forget.
 */
export function RedirectBanner({ user }: { user: User }) {
  const status = usePortalStatus();
  if (!status.data?.redirectAllToAdmin) return null;

  const address = status.data.administratorEmail || 'the administrator (no address is set)';
  return (
    <Alert
      role="status"
      color="yellow"
      variant="filled"
      autoContrast
      icon={<WarningIcon />}
      mb="md"
    >
      <Text span fz="sm" fw={600}>
        Redirect All Mail to Admin is on: all e-mail goes to {address}.
      </Text>{' '}
      {user.role === 'administrator' && (
        <Anchor
          component={Link}
          to="/configuration/general/settings/email"
          c="inherit"
          fz="sm"
          underline="always"
        >
          Change in the e-mail settings
        </Anchor>
      )}
    </Alert>
  );
}
