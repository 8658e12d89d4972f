import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMemo, useRef, useState } from 'react';
import { focusFirstError, showSaveError } from '../../components/form-errors.ts';
import { FormActions } from '../../components/form-actions.tsx';
import { UnsavedChangesGuard } from '../../components/unsaved-changes-guard.tsx';
import { useViewEdit } from '../../components/use-view-edit.ts';
import type { EmailSettingsView, GeneralSettings } from '../../shared/settings.ts';
import type { User } from '../auth/api.ts';
import { useSaveEmailSettings } from './api.ts';
import { CrmSections } from './crm-sections.tsx';
import {
  toFormValues,
  toSettingsInput,
  validateEmailForm,
  type EmailFormValues,
} from './form-values.ts';
import { SenderSection } from './sender-section.tsx';
import { SmtpSection } from './smtp-section.tsx';
import { TestingSection } from './testing-section.tsx';

interface EmailSettingsFormProps {
  settings: EmailSettingsView;
  general: GeneralSettings;
  user: User;
}

/** The e-mail settings, in view mode until Edit is pressed; the same form in both modes. */
export function EmailSettingsForm({ settings, general, user }: EmailSettingsFormProps) {
  const savedValues = useMemo(() => toFormValues(settings), [settings]);
  const [replacingPassword, setReplacingPassword] = useState(false);
  const save = useSaveEmailSettings();
  const formElement = useRef<HTMLFormElement>(null);
  const form = useForm<EmailFormValues>({
    mode: 'controlled',
    initialValues: savedValues,
    validate: validateEmailForm,
    validateInputOnBlur: true,
  });
  const mode = useViewEdit(form, savedValues);

  const edit = () => {
    setReplacingPassword(false);
    mode.edit();
  };

  const submit = form.onSubmit((values) => {
    save.mutate(toSettingsInput(values), {
      onSuccess: (view) => {
        mode.saved(toFormValues(view));
        notifications.show({ color: 'green', message: 'The e-mail settings were saved.' });
      },
      onError: (error) => {
        showSaveError(form, error, 'The e-mail settings were not saved', formElement.current);
      },
    });
  }, (errors) => focusFirstError(formElement.current, errors));

  const readOnly = !mode.editing;
  const sectionProps = { form, readOnly };

  return (
    <form
      ref={formElement}
      onSubmit={mode.editing ? submit : (event) => event.preventDefault()}
      noValidate
      aria-label="E-mail settings"
    >
      <UnsavedChangesGuard when={mode.dirty && !save.isPending} />
      <Stack gap="lg">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Title order={2} size="h3">
              E-mail
            </Title>
            <Text size="sm" c="dimmed">
              How the portal sends e-mail: the SMTP server, who signs each message, and the
              limits for CRM mail.
            </Text>
          </div>
          {readOnly && (
            <Button onClick={edit}>Edit</Button>
          )}
        </Group>

        <SmtpSection
          {...sectionProps}
          passwordSet={settings.passwordSet}
          replacingPassword={replacingPassword}
          onReplacingPasswordChange={setReplacingPassword}
        />
        <SenderSection {...sectionProps} general={general} user={user} />
        <TestingSection {...sectionProps} general={general} user={user} />
        <CrmSections {...sectionProps} />

        {mode.editing && (
          <FormActions dirty={mode.dirty} saving={save.isPending} onCancel={mode.cancel} />
        )}
      </Stack>
    </form>
  );
}
