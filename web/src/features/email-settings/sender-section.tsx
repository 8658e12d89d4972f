import { Group, Paper, Radio, Select, Text } from '@mantine/core';
import { SettingsSection } from '../../components/settings-section.tsx';
import { fillPlaceholders, type GeneralSettings } from '../../shared/settings.ts';
import type { User } from '../auth/api.ts';
import { textProps, type SectionProps } from './field-props.ts';
import type { EmailFormValues } from './form-values.ts';
import { SenderNameFormatEditor } from './sender-name-format-editor.tsx';

const senderAddressOptions = [
  { value: 'reply-to', label: 'Reply-to field only' },
  { value: 'from-and-reply-to', label: 'From and Reply-to' },
];

const firstAndLastName = '{{ firstName }} {{ lastName }}';

interface SenderSectionProps extends SectionProps {
  general: GeneralSettings;
  user: User;
}

/** The sender name a message shows, for the signed-in user. */
export function previewSenderName(
  values: Pick<EmailFormValues, 'senderName' | 'senderNameFormat'>,
  user: User,
  general: GeneralSettings,
): string {
  const format = values.senderName === 'custom' ? values.senderNameFormat : firstAndLastName;
  const fields = {
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    companyName: general.companyName,
  };
  return fillPlaceholders(format, fields).replace(/\s+/g, ' ').trim();
}

/** Who a message appears to come from: the signing user's address and name. */
export function SenderSection({ form, readOnly, general, user }: SenderSectionProps) {
  const { values } = form;
  const preview = previewSenderName(values, user, general);
  const fromAddress = values.senderAddressIn === 'from-and-reply-to'
    ? user.email
    : values.emailAddress || 'the account address';

  return (
    <SettingsSection
      title="Sender"
      description="Every message is signed by the user who sends it; these settings say how."
    >
      <Select
        label="Set Sender's E-mail Address in"
        description="Where the sending user's own address goes. With Reply-to field only, From
          keeps the account address, which most servers insist on; replies still reach the
          user."
        data={senderAddressOptions}
        allowDeselect={false}
        {...textProps(form, 'senderAddressIn', readOnly)}
      />
      <Radio.Group
        label="E-mail Sender Name"
        description="The name recipients see beside the sender's address."
        readOnly={readOnly}
        {...form.getInputProps('senderName')}
      >
        <Group mt="xs" gap="lg">
          <Radio value="first-last" label="First Name & Last Name" />
          <Radio value="custom" label="Custom format" />
        </Group>
      </Radio.Group>
      {values.senderName === 'custom' && (
        <SenderNameFormatEditor form={form} readOnly={readOnly} />
      )}
      <Paper bg="var(--mantine-color-gray-0)" p="sm" radius="sm">
        <Text size="xs" c="dimmed" fw={600} tt="uppercase">
          Preview for you
        </Text>
        <Text size="sm" data-testid="sender-name-preview">
          <Text span fw={600} c={preview === '' ? 'dimmed' : undefined}>
            {preview === '' ? '(no name)' : preview}
          </Text>{' '}
          <Text span c="dimmed">
            &lt;{fromAddress}&gt;
          </Text>
        </Text>
      </Paper>
    </SettingsSection>
  );
}
