/**
 * Users of the portal: administrators and staff, with the names that sign their mail.
 */
import { z } from 'zod';
import { newId } from '../../db/ids.ts';
import type { Db } from '../../db/schema.ts';
import { PortalError } from '../../errors.ts';
import { emailAddress } from '../settings/schema.ts';
import { checkNewPassword, hashPassword } from './password.ts';

export const roles = ['administrator', 'user'] as const;
export type Role = (typeof roles)[number];

export interface User {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  createdAt: string;
}

const personName = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(100, `The ${label} may be at most 100 characters.`)
    .refine((v) => !/[\r\n<>"]/.test(v), `The ${label} may not contain line breaks, <, > or ".`);

/** Body of `POST /api/users`. Without a password the user cannot sign in until one is set. */
export const newUserInput = z
  .object({
    email: emailAddress,
    firstName: personName('first name'),
    lastName: personName('last name'),
    password: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        const problem = value === undefined ? undefined : checkNewPassword(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    role: z.enum(roles, { error: 'Choose administrator or user.' }),
  })
  .strict();

export type NewUser = z.infer<typeof newUserInput>;

type UserRow = {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  created_at: string;
};

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    createdAt: row.created_at,
  };
}

const userColumns = ['id', 'email', 'first_name', 'last_name', 'role', 'created_at'] as const;

/** Creates a user; a taken e-mail address (in any letter case) is a 409. */
export async function createUser(db: Db, input: NewUser): Promise<User> {
  const email = input.email.toLowerCase();
  const now = new Date().toISOString();
  const row = {
    id: newId(),
    email,
    first_name: input.firstName,
    last_name: input.lastName,
    role: input.role,
    password_hash: input.password === undefined ? null : await hashPassword(input.password),
    created_at: now,
    updated_at: now,
  };
  const inserted = await db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(userColumns)
    .executeTakeFirst();
  if (!inserted) {
    throw new PortalError('EMAIL_TAKEN', undefined, { email: 'A user with this e-mail exists already.' });
  }
  return toUser(inserted);
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** The user and stored hash for an address, for sign-in. */
export async function findUserForSignIn(
  db: Db,
  email: string,
): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const row = await db
    .selectFrom('users')
    .select([...userColumns, 'password_hash'])
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row && { user: toUser(row), passwordHash: row.password_hash };
}

export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('users').select(userColumns).orderBy('email').execute();
  return rows.map(toUser);
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Administrators' addresses, for notices such as a paused outbox. */
export async function administratorEmails(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('users').select('email').where('role', '=', 'administrator').execute();
  return rows.map((r) => r.email);
}
