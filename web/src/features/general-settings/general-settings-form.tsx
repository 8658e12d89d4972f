import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useRef } from 'react';
import { FormActions } from '../../components/form-actions.tsx';
import {
  focusFirstError,
  schemaErrors,
  showSaveError,
} from '../../components/form-errors.ts';
import { SettingsSection } from '../../components/settings-section.tsx';
import { UnsavedChangesGuard } from '../../components/unsaved-changes-guard.tsx';
import { useViewEdit } from '../../components/use-view-edit.ts';
import { generalSettings, type GeneralSettings } from '../../shared/settings.ts';
import { useSaveGeneralSettings } from './api.ts';

/** The company name, the administrator's address and the portal URL, in view or edit mode. */
export function GeneralSettingsForm({ settings }: { settings: GeneralSettings }) {
  const save = useSaveGeneralSettings();
  const formElement = useRef<HTMLFormElement>(null);
  const form = useForm<GeneralSettings>({
    mode: 'controlled',
    initialValues: settings,
    validate: (values) => schemaErrors(generalSettings, values),
    validateInputOnBlur: true,
  });
  const mode = useViewEdit(form, settings);

  const submit = form.onSubmit((values) => {
    save.mutate(values, {
      onSuccess: (saved) => {
        mode.saved(saved);
        notifications.show({ color: 'green', message: 'The general settings were saved.' });
      },
      onError: (error) => {
        showSaveError(form, error, 'The general settings were not saved', formElement.current);
      },
    });
  }, (errors) => focusFirstError(formElement.current, errors));

  const readOnly = !mode.editing;
  const field = (name: keyof GeneralSettings) => ({
    ...form.getInputProps(name),
    readOnly,
    variant: readOnly ? ('filled' as const) : ('default' as const),
    placeholder: readOnly ? 'Not set' : undefined,
  });

  return (
    <form
      ref={formElement}
      onSubmit={mode.editing ? submit : (event) => event.preventDefault()}
      noValidate
      aria-label="General settings"
    >
      <UnsavedChangesGuard when={mode.dirty && !save.isPending} />
      <Stack gap="lg">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Title order={2} size="h3">
              General
            </Title>
            <Text size="sm" c="dimmed">
              The company behind the portal, and where its mail and links point.
            </Text>
          </div>
          {readOnly && <Button onClick={mode.edit}>Edit</Button>}
        </Group>
        <SettingsSection title="Company and portal">
          <TextInput
            label="Company Name"
            description="Signs the mail no user sends, such as password resets, and fills the
              {{ companyName }} placeholder of the sender name."
            {...field('companyName')}
          />
          <TextInput
            label="Administrator E-mail"
            type="email"
            description="The portal administrator's mailbox. With Redirect All Mail to Admin on,
              every message goes here instead of to its recipients."
            {...field('administratorEmail')}
          />
          <TextInput
            label="Portal URL"
            description="The address people use to reach the portal, such as
              https://portal.example.com; links in e-mail start with it."
            {...field('portalUrl')}
          />
        </SettingsSection>
        {mode.editing && (
          <FormActions dirty={mode.dirty} saving={save.isPending} onCancel={mode.cancel} />
        )}
      </Stack>
    </form>
  );
}
