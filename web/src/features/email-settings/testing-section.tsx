import { Checkbox, Divider } from '@mantine/core';
import { SettingsSection } from '../../components/settings-section.tsx';
import type { GeneralSettings } from '../../shared/settings.ts';
import type { User } from '../auth/api.ts';
import { checkboxProps, type SectionProps } from './field-props.ts';
import { TestEmailPanel } from './test-email-panel.tsx';

interface TestingSectionProps extends SectionProps {
  general: GeneralSettings;
  user: User;
}

/** Trying the settings out: redirect everything to the administrator, or send a test. */
export function TestingSection({ form, readOnly, general, user }: TestingSectionProps) {
  const administrator = general.administratorEmail;
  return (
    <SettingsSection
      title="Testing"
      description="Try the portal without writing to clients or vendors, and check that the
        server accepts mail."
    >
      <Checkbox
        label="Redirect All Mail to Admin"
        description={
          administrator
            ? `Every message goes to ${administrator} instead of its recipients, who stay
              visible in the message. Every page says so while this is on.`
            : `Every message goes to the administrator instead of its recipients. No
              Administrator E-mail is set yet: set it under Settings → General first.`
        }
        {...checkboxProps(form, 'redirectAllToAdmin', readOnly)}
      />
      <Divider />
      <TestEmailPanel form={form} readOnly={readOnly} defaultRecipient={user.email} />
    </SettingsSection>
  );
}
