import type { UseFormReturnType } from '@mantine/form';
import type { EmailFormValues } from './form-values.ts';

export type EmailSettingsFormApi = UseFormReturnType<EmailFormValues>;

/** What every section of the e-mail settings form is given. */
export interface SectionProps {
  form: EmailSettingsFormApi;
  readOnly: boolean;
}

/**
 * An input's props in either mode. Read-only inputs are drawn filled, so that view mode does
 * not look like a form waiting to be typed into, and an empty one says that it is not set.
 * Examples live in the help text: a placeholder example can pass for a value.
 */
export function textProps(form: EmailSettingsFormApi, field: keyof EmailFormValues,
  readOnly: boolean) {
  return {
    ...form.getInputProps(field),
    readOnly,
    variant: readOnly ? 'filled' : 'default',
    placeholder: readOnly ? 'Not set' : undefined,
  } as const;
}

export function checkboxProps(form: EmailSettingsFormApi, field: keyof EmailFormValues,
  readOnly: boolean) {
  return { ...form.getInputProps(field, { type: 'checkbox' }), readOnly } as const;
}
