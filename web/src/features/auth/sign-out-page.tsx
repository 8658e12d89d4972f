import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router-dom';
import { PageLoader } from '../../components/page-state.tsx';
import { useSignOut } from './api.ts';

/**
 * Signing out is a page of its own: reaching it is a navigation, so a form with unsaved
 * changes asks first, and the session ends only once the person has agreed to leave.
 */
export function SignOutPage() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  const started = useRef(false);

  useEffect(() => {
    // Effects run twice in development; one request is enough.
    if (started.current) return;
    started.current = true;
    // Signed out or not (the portal may be unreachable), the cache is cleared: go on.
    void signOut.mutateAsync().catch(() => undefined)
      .finally(() => navigate('/sign-in', { replace: true }));
  }, [signOut, navigate]);

  return <PageLoader label="Signing out" />;
}
