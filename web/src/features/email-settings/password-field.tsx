import { Button, Group, Input, PasswordInput, Stack, Text } from '@mantine/core';
import type { SectionProps } from './field-props.ts';

interface PasswordFieldProps extends SectionProps {
  disabled: boolean;
  passwordSet: boolean;
  replacingPassword: boolean;
  onReplacingPasswordChange: (replacing: boolean) => void;
}

const help = 'The password of the sending account. It is stored encrypted and never shown again.';

/**
 * The password is write-only: the form says whether one is stored, and offers an empty input
 * to replace it. It never holds or shows a copy of the stored one.
 */
export function PasswordField(props: PasswordFieldProps) {
  const { form, readOnly, disabled, passwordSet, replacingPassword } = props;

  if (readOnly || (passwordSet && !replacingPassword)) {
    return (
      <Input.Wrapper label="Password" description={help} labelElement="div">
        <Group gap="sm" mt={6}>
          <Text size="sm" fw={500}>
            {passwordSet ? 'A password is set' : 'No password is set'}
          </Text>
          {!readOnly && (
            <Button
              size="xs"
              variant="light"
              disabled={disabled}
              onClick={() => props.onReplacingPasswordChange(true)}
            >
              Replace password
            </Button>
          )}
        </Group>
      </Input.Wrapper>
    );
  }

  const keepStored = () => {
    form.setFieldValue('password', '');
    form.clearFieldError('password');
    props.onReplacingPasswordChange(false);
  };

  return (
    <Stack gap={6}>
      <PasswordInput
        label="Password"
        description={passwordSet ? `${help} Leave it blank to keep the stored one.` : help}
        autoComplete="new-password"
        disabled={disabled}
        autoFocus={passwordSet}
        {...form.getInputProps('password')}
      />
      {passwordSet && (
        <Group>
          <Button size="xs" variant="subtle" onClick={keepStored}>
            Keep the stored password
          </Button>
        </Group>
      )}
    </Stack>
  );
}
