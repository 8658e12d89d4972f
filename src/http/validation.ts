/** Turns a zod schema's verdict on a request body into the API's field errors. */
import type { z } from 'zod';
import { PortalError, validationFailed, type FieldErrors } from '../errors.ts';

/** The field errors of a failed parse, one message a field (the first), keyed by dotted path. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    if (issue.code === 'unrecognized_keys') {
      for (const name of issue.keys) fields[[...issue.path, name].join('.')] ??= 'This field is not known.';
      continue;
    }
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Parses a body or throws a 400 naming every field that is wrong. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new PortalError('BAD_REQUEST', 'Send a JSON object as the request body.');
  }
  const result = schema.safeParse(body);
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}
