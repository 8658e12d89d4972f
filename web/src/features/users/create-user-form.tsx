import { Button, Group, PasswordInput, Radio, SimpleGrid, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { isApiError } from '../../api/client.ts';
import { schemaErrors, showSaveError } from '../../components/form-errors.ts';
import { SettingsSection } from '../../components/settings-section.tsx';
import { useCreateUser } from './api.ts';
import { newUserForm, type NewUserValues } from './schema.ts';

const emptyUser: NewUserValues = {
  email: '',
  firstName: '',
  lastName: '',
  role: 'user',
  password: '',
};

/** Adds a user; a taken address is reported beside the E-mail field. */
export function CreateUserForm() {
  const create = useCreateUser();
  const form = useForm<NewUserValues>({
    mode: 'controlled',
    initialValues: emptyUser,
    validate: (values) => schemaErrors(newUserForm, values),
  });

  const submit = form.onSubmit(({ password, ...values }) => {
    const user = { ...values, email: values.email.trim(), firstName: values.firstName.trim(),
      lastName: values.lastName.trim() };
    create.mutate(password === '' ? user : { ...user, password }, {
      onSuccess: ({ user: created }) => {
        form.reset();
        notifications.show({
          color: 'green',
          message: `${created.firstName} ${created.lastName} can now sign in as ${created.email}.`,
        });
      },
      onError: (error) => {
        if (isApiError(error) && error.error === 'EMAIL_TAKEN' && !error.fields) {
          form.setFieldError('email', error.message);
          return;
        }
        showSaveError(form, error, 'The user was not created');
      },
    });
  });

  return (
    <SettingsSection title="Add a user">
      <form onSubmit={submit} noValidate aria-label="Add a user">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md">
          <TextInput label="First name" required {...form.getInputProps('firstName')} />
          <TextInput label="Last name" required {...form.getInputProps('lastName')} />
          <TextInput
            label="E-mail"
            type="email"
            required
            description="The user signs in with this address and signs mail with it."
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            description="Optional. Without one, the user cannot sign in until a password is set."
            {...form.getInputProps('password')}
          />
          <Radio.Group label="Role" {...form.getInputProps('role')}>
            <Group mt="xs">
              <Radio value="user" label="User" />
              <Radio value="administrator" label="Administrator" />
            </Group>
          </Radio.Group>
        </SimpleGrid>
        <Group justify="flex-end" mt="md">
          <Button type="submit" loading={create.isPending}>
            Add user
          </Button>
        </Group>
      </form>
    </SettingsSection>
  );
}
