/**
 * The e-mail settings form's values and how they become the API's input. The form keeps what
 * its inputs hold (a number input may hold ""), the API takes the shared schema's shape, and
 * validation is the shared schema run on exactly what would be sent.
 */
import type { FormErrors } from '@mantine/form';
import { schemaErrors } from '../../components/form-errors.ts';
import {
  emailSettingsInput,
  type EmailSettings,
  type EmailSettingsInput,
  type EmailSettingsView,
} from '../../shared/settings.ts';

type NumberField = 'maxAttachmentSizeKb' | 'bulkIntervalSeconds' | 'bulkSize';

export type EmailFormValues = Omit<EmailSettings, NumberField> & {
  [field in NumberField]: number | string;
} & {
  /** A new password; blank keeps the stored one. */
  password: string;
};

export function toFormValues(view: EmailSettingsView): EmailFormValues {
  const { passwordSet: _, ...settings } = view;
  return { ...settings, password: '' };
}

function toNumber(value: number | string): number {
  if (typeof value === 'number') return value;
  return value.trim() === '' ? Number.NaN : Number(value);
}

/** The body of a save or of a test: the password only when one was typed. */
export function toSettingsInput(values: EmailFormValues): EmailSettingsInput {
  const { password, ...settings } = values;
  const input: EmailSettingsInput = {
    ...settings,
    maxAttachmentSizeKb: toNumber(values.maxAttachmentSizeKb),
    bulkIntervalSeconds: toNumber(values.bulkIntervalSeconds),
    bulkSize: toNumber(values.bulkSize),
  };
  return password === '' ? input : { ...input, password };
}

export function validateEmailForm(values: EmailFormValues): FormErrors {
  return schemaErrors(emailSettingsInput, toSettingsInput(values));
}
