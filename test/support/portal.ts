/**
 * A real portal for tests: started in-process on a free port over a fresh database (SQLite in
 * a temporary folder, or a PostgreSQL schema of its own), serving the built web UI.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Dialect } from '../../src/db/index.ts';
import type { Logger } from '../../src/log.ts';
import { startPortal, type RunningPortal } from '../../src/portal.ts';
import { createUser, type User } from '../../src/modules/users/service.ts';
import { dropSchema, postgresUrl } from './db.ts';

export interface TestPortal extends RunningPortal {
  admin: { email: string; password: string; user?: User };
  dataDir: string;
  /** Stops the portal and starts it again on the same data, as an operator's restart would. */
  restart(): Promise<void>;
}

export interface TestPortalOptions {
  /** Create the administrator admin@example.com (default true). */
  admin?: boolean;
  dialect?: Dialect;
  /** Extra environment for the configuration, such as PORTAL_WORKER. */
  env?: Record<string, string>;
  /** A logger of the test's own, to read what the portal logs. */
  log?: Logger;
}

const repoRoot = new URL('../..', import.meta.url).pathname;

export const testAdmin = { email: 'admin@example.com', password: 'correct horse battery' };

/** Starts a portal; `close()` stops it and removes its data. */
export async function startTestPortal(options: TestPortalOptions = {}): Promise<TestPortal> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-test-'));
  const dialect = options.dialect ?? 'sqlite';
  const schema = dialect === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config: Config = loadConfig({
    PORT: '0',
    PORTAL_DATA_DIR: dataDir,
    PORTAL_WEB_DIR: join(repoRoot, 'dist/web'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: postgresUrl } : {}),
    ...options.env,
  });
  let running = await startPortal(config, { schema, log: options.log });

  const admin: TestPortal['admin'] = { ...testAdmin };
  if (options.admin !== false) {
    admin.user = await createUser(running.portal.db, {
      ...testAdmin,
      firstName: 'Alice',
      lastName: 'Admin',
      role: 'administrator',
    });
  }

  const test: TestPortal = {
    ...running,
    admin,
    dataDir,
    async restart() {
      await running.close();
      // A new port: a client's kept-alive connection to the old server must not be reused.
      running = await startPortal(config, { schema, log: options.log });
      Object.assign(test, { portal: running.portal, server: running.server, url: running.url });
    },
    async close() {
      await running.close();
      if (schema) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON client that keeps its session cookie, as a browser would. */
export class ApiClient {
  private cookie = '';

  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...this.defaultHeaders,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair] = line.split(';');
      this.cookie = pair!.endsWith('=') ? '' : pair!;
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: type.includes('json') && text ? JSON.parse(text) : text,
      headers: response.headers,
    };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }

  async signIn(email: string, password: string): Promise<ApiAnswer> {
    return this.post('/api/auth/sign-in', { email, password });
  }
}

/** A client signed in as the test portal's administrator. */
export async function adminClient(portal: TestPortal): Promise<ApiClient> {
  const client = new ApiClient(portal.url);
  const answer = await client.signIn(portal.admin.email, portal.admin.password);
  if (answer.status !== 200) throw new Error(`admin sign-in failed: ${answer.status}`);
  return client;
}
