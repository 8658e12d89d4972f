import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Navigate, useLocation, useNavigate, type Location } from 'react-router-dom';
import { PageLoader } from '../../components/page-state.tsx';
import { useSession, useSetupStatus, useSignIn } from './api.ts';
import { AuthCard } from './auth-card.tsx';

/** The sign-in page; on a portal without users it sends the visitor to the setup page. */
export function SignInPage() {
  const session = useSession();
  const setup = useSetupStatus(session.data === null);
  const signIn = useSignIn();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: Location } | null)?.from;
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (value) => (value.trim() === '' ? 'Enter your e-mail address.' : null),
      password: (value) => (value === '' ? 'Enter your password.' : null),
    },
  });

  if (session.data) return <Navigate to={from?.pathname ?? '/'} replace />;
  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  if (session.isPending || setup.isPending) return <PageLoader />;

  const submit = form.onSubmit((values) => {
    const next = from ? `${from.pathname}${from.search}` : '/';
    signIn.mutate(
      { email: values.email.trim(), password: values.password },
      { onSuccess: () => navigate(next, { replace: true }) },
    );
  });

  return (
    <AuthCard title="Sign in to the Home Portal">
      <form onSubmit={submit} noValidate>
        <Stack>
          {signIn.error && (
            <Alert color="red" role="alert">
              {signIn.error.message}
            </Alert>
          )}
          <TextInput
            label="E-mail"
            type="email"
            autoComplete="username"
            required
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={signIn.isPending} fullWidth>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
