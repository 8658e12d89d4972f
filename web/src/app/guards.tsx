/** Route guards: who may see a page, decided once per route rather than inside each page. */
import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { AdministratorsOnly, PageError } from '../components/page-state.tsx';
import { useSession, type User } from '../features/auth/api.ts';

function FullPageLoader() {
  return (
    <Center h="100vh">
      <Loader role="status" aria-label="Loading the portal" />
    </Center>
  );
}

/** Renders its routes only for a signed-in user; anyone else goes to the sign-in page. */
export function RequireSession({ children }: { children: (user: User) => ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageLoader />;
  if (session.isError) {
    return (
      <Center h="100vh" p="md">
        <PageError error={session.error} onRetry={() => void session.refetch()} />
      </Center>
    );
  }
  if (!session.data) return <Navigate to="/sign-in" replace state={{ from: location }} />;
  return children(session.data);
}

/** Keeps pages that only an administrator may use away from other users. */
export function RequireAdministrator() {
  const session = useSession();
  if (session.data?.role !== 'administrator') {
    return <AdministratorsOnly />;
  }
  return <Outlet />;
}
