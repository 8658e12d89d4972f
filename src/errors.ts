/**
 * The catalogue of errors the API answers with: a stable code, an HTTP status and a message a
 * person can act on. Routes throw `new PortalError(code, …)`; the HTTP layer turns it into
 * `{ error, message, fields? }`.
 */

export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: 'Some fields are not valid.' },
  BAD_REQUEST: { status: 400, message: 'The request could not be read.' },
  SIGN_IN_REQUIRED: { status: 401, message: 'Sign in to continue.' },
  SIGN_IN_FAILED: { status: 401, message: 'The e-mail address or password is not correct.' },
  FORBIDDEN: { status: 403, message: 'Only administrators may do this.' },
  CROSS_ORIGIN: {
    status: 403,
    message: 'Requests that change data must come from the portal itself.',
  },
  NOT_FOUND: { status: 404, message: 'There is nothing at this address.' },
  EMAIL_TAKEN: { status: 409, message: 'A user with this e-mail address exists already.' },
  MESSAGE_STATE: { status: 409, message: 'The message is not in a state that allows this.' },
  SETUP_DONE: { status: 409, message: 'The first administrator exists already: sign in.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is larger than the portal accepts.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the request body as application/json.' },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    message: 'Too many failed sign-ins: wait a moment and try again.',
  },
  INTERNAL: { status: 500, message: 'Something went wrong in the portal; it has been logged.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Field name → what is wrong with it, as the API's `fields`. */
export type FieldErrors = Record<string, string>;

export class PortalError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'PortalError';
    this.status = errorCatalogue[code].status;
  }

  toJSON(): { error: ErrorCode; message: string; fields?: FieldErrors } {
    return this.fields
      ? { error: this.code, message: this.message, fields: this.fields }
      : { error: this.code, message: this.message };
  }
}

/** A 400 naming the fields that are wrong. */
export function validationFailed(fields: FieldErrors, message?: string): PortalError {
  const count = Object.keys(fields).length;
  const text = message ?? (count === 1 ? Object.values(fields)[0] : `${count} fields are not valid.`);
  return new PortalError('VALIDATION_FAILED', text, fields);
}
