import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useRef } from 'react';
import { senderNamePlaceholders, type SenderNamePlaceholder } from '../../shared/settings.ts';
import { textProps, type SectionProps } from './field-props.ts';

const placeholderLabels: Record<SenderNamePlaceholder, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'E-mail',
  companyName: 'Company name',
};

/**
 * The custom sender name format: typed text with placeholders, inserted at the cursor by
 * buttons so nobody has to remember how a placeholder is spelled.
 */
export function SenderNameFormatEditor({ form, readOnly }: SectionProps) {
  const input = useRef<HTMLInputElement>(null);

  const insert = (name: SenderNamePlaceholder) => {
    const element = input.current;
    const text = form.getValues().senderNameFormat;
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    const placeholder = `{{ ${name} }}`;
    form.setFieldValue('senderNameFormat', text.slice(0, start) + placeholder + text.slice(end));

    const cursor = start + placeholder.length;
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(cursor, cursor);
    });
  };

  return (
    <Stack gap="xs" pl={{ base: 0, sm: 'xl' }}>
      <TextInput
        ref={input}
        label="Sender name format"
        description="Text and placeholders; each placeholder is filled with the sending user's
          details, such as {{ firstName }} {{ lastName }} ({{ companyName }})."
        {...textProps(form, 'senderNameFormat', readOnly)}
      />
      {!readOnly && (
        <Group gap="xs" role="group" aria-label="Insert placeholder">
          <Text size="xs" c="dimmed">
            Insert:
          </Text>
          {senderNamePlaceholders.map((name) => (
            <Button
              key={name}
              size="compact-xs"
              variant="light"
              onClick={() => insert(name)}
              title={`Insert {{ ${name} }} at the cursor`}
            >
              {placeholderLabels[name]}
            </Button>
          ))}
        </Group>
      )}
    </Stack>
  );
}
