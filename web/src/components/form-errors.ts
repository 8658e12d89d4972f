/**
 * Glue between zod, the server's 400 answers and Mantine forms: both kinds of error land
 * beside their fields; only an error that belongs to no field becomes a notification.
 */
import { notifications } from '@mantine/notifications';
import type { FormErrors } from '@mantine/form';
import type { z } from 'zod';
import { isApiError } from '../api/client.ts';

/** The schema's complaints about `input`, keyed by field path, the first one per field. */
export function schemaErrors(schema: z.ZodType, input: unknown): FormErrors {
  const result = schema.safeParse(input);
  if (result.success) return {};
  const errors: FormErrors = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.');
    if (!(path in errors)) errors[path] = issue.message;
  }
  return errors;
}

interface FormWithErrors {
  setErrors: (errors: FormErrors) => void;
  getValues: () => Record<string, unknown>;
}

/**
 * Shows a failed save: field errors beside the fields the form has, everything else (and any
 * field the form does not show) in a notification.
 */
export function showSaveError(
  form: FormWithErrors,
  error: unknown,
  title: string,
  element?: HTMLFormElement | null,
): void {
  const fields = isApiError(error) ? error.fields : undefined;
  const known = Object.keys(form.getValues());
  const beside: FormErrors = {};
  const elsewhere: string[] = [];
  for (const [name, message] of Object.entries(fields ?? {})) {
    if (known.includes(name)) beside[name] = message;
    else elsewhere.push(message);
  }
  form.setErrors(beside);
  focusFirstError(element ?? null, beside);

  if (Object.keys(beside).length > 0 && elsewhere.length === 0) return;
  const message = elsewhere.length > 0
    ? elsewhere.join(' ')
    : error instanceof Error ? error.message : 'The changes could not be saved.';
  notifications.show({ color: 'red', title, message });
}

/**
 * Moves the focus to the first field with an error, so that a person who pressed Save at the
 * bottom of a long form sees what stopped it. Inputs carry their field path in `data-path`.
 */
export function focusFirstError(form: HTMLFormElement | null, errors: FormErrors): void {
  const first = Object.keys(errors).find((path) => errors[path]);
  if (!form || !first) return;
  const input = form.querySelector<HTMLElement>(`[data-path="${CSS.escape(first)}"]`);
  input?.focus();
  input?.scrollIntoView({ block: 'center' });
}
