import { Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Navigate, useNavigate } from 'react-router-dom';
import { schemaErrors, showSaveError } from '../../components/form-errors.ts';
import { PageError, PageLoader } from '../../components/page-state.tsx';
import { useSession, useSetup, useSetupStatus } from './api.ts';
import { AuthCard } from './auth-card.tsx';
import { firstAdministratorForm, type FirstAdministratorValues } from './schema.ts';

/** The first visit to a portal without users: creates its first administrator. */
export function SetupPage() {
  const session = useSession();
  const setupStatus = useSetupStatus();
  const setup = useSetup();
  const navigate = useNavigate();
  const form = useForm<FirstAdministratorValues>({
    mode: 'controlled',
    initialValues: { firstName: '', lastName: '', email: '', password: '', confirmPassword: '' },
    validate: (values) => schemaErrors(firstAdministratorForm, values),
  });

  if (setupStatus.isPending || session.isPending) return <PageLoader />;
  if (setupStatus.isError) return <PageError error={setupStatus.error} />;
  if (!setupStatus.data.needed) return <Navigate to={session.data ? '/' : '/sign-in'} replace />;

  const submit = form.onSubmit(({ confirmPassword: _, ...values }) => {
    setup.mutate(
      { ...values, email: values.email.trim() },
      {
        onSuccess: () => navigate('/', { replace: true }),
        onError: (error) => showSaveError(form, error, 'The administrator was not created'),
      },
    );
  });

  return (
    <AuthCard
      title="Set up the portal"
      description="Nobody can sign in yet. Create the first administrator, who can then add
        everyone else and configure outgoing e-mail."
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Group grow align="flex-start">
            <TextInput label="First name" required autoComplete="given-name"
              {...form.getInputProps('firstName')} />
            <TextInput label="Last name" required autoComplete="family-name"
              {...form.getInputProps('lastName')} />
          </Group>
          <TextInput
            label="E-mail"
            type="email"
            required
            autoComplete="email"
            description="You sign in with this address."
            {...form.getInputProps('email')}
          />
          <PasswordInput label="Password" required autoComplete="new-password"
            {...form.getInputProps('password')} />
          <PasswordInput label="Confirm password" required autoComplete="new-password"
            {...form.getInputProps('confirmPassword')} />
          <Button type="submit" loading={setup.isPending} fullWidth>
            Create administrator
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
