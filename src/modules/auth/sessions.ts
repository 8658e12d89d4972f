/**
 * Sessions in the database. The cookie holds a random token; the table holds only its SHA-256,
 * so reading the table gives no way in. A session slides: used past half its life, it is
 * extended.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/schema.ts';
import { findUserById, type User } from '../users/service.ts';

export const sessionCookie = 'portal_session';

function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Starts a session for a user and returns the token for the cookie. */
export async function startSession(db: Db, userId: string, hours: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  await db
    .insertInto('sessions')
    .values({
      id: tokenId(token),
      user_id: userId,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + hours * 3_600_000).toISOString(),
    })
    .execute();
  return token;
}

/** The user a token signs in, or undefined for an unknown or expired one. */
export async function userForSession(db: Db, token: string, hours: number): Promise<User | undefined> {
  const id = tokenId(token);
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;

  const now = Date.now();
  const expires = Date.parse(row.expires_at);
  if (expires <= now) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return undefined;
  }
  if (expires - now < (hours * 3_600_000) / 2) {
    const extended = new Date(now + hours * 3_600_000).toISOString();
    await db.updateTable('sessions').set({ expires_at: extended }).where('id', '=', id).execute();
  }
  return findUserById(db, row.user_id);
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', tokenId(token)).execute();
}

/** Removes expired sessions; run now and then. */
export async function removeExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', new Date().toISOString()).execute();
}
