/**
 * The one way the web UI talks to the portal's API: JSON in, JSON out, errors as `ApiError`.
 *
 * The session is a cookie, so requests carry no token; fetch from the page is same-origin,
 * which the API requires for every request that changes state.
 */

/** Field name to the message the server gave for it. */
export type FieldErrors = Record<string, string>;

/** An error answer from the API, or a failure to reach it (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly fields: FieldErrors | undefined;

  constructor(status: number, error: string, message: string, fields?: FieldErrors) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.error = error;
    this.fields = fields;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Sends one request to `/api…` and answers its JSON body; `undefined` for 204. */
export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : {
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The portal cannot be reached. Check the connection.');
  }

  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as T;
  throw toApiError(response.status, payload);
}

function toApiError(status: number, payload: unknown): ApiError {
  const answer = (typeof payload === 'object' && payload !== null ? payload : {}) as {
    error?: unknown;
    message?: unknown;
    fields?: unknown;
  };
  const code = typeof answer.error === 'string' ? answer.error : `HTTP_${status}`;
  const message = typeof answer.message === 'string'
    ? answer.message
    : `The portal answered with an unexpected error (HTTP ${status}).`;
  return new ApiError(status, code, message, readFields(answer.fields));
}

function readFields(value: unknown): FieldErrors | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields: FieldErrors = {};
  for (const [name, message] of Object.entries(value)) {
    if (typeof message === 'string') fields[name] = message;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

export const api = {
  get: <T>(path: string) => apiRequest<T>('GET', path),
  post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => apiRequest<T>('PUT', path, body),
};
