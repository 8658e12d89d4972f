/**
 * Slows repeated failed sign-ins, per account and per client address, in the database so that
 * it holds across processes. The first few failures in a window are free (more for an address,
 * which an office may share); after that each failure blocks the key for twice as long as the
 * one before, up to a quarter of an hour.
 */
import type { Db } from '../../db/schema.ts';

const freeFailures = { account: 5, address: 20 };
const windowMs = 15 * 60_000;
const maxBlockMs = 15 * 60_000;

export function throttleKeys(email: string, address: string): string[] {
  return [`account:${email.trim().toLowerCase()}`, `address:${address}`];
}

/** Milliseconds until any of the keys may try again; 0 when none is blocked. */
export async function blockedFor(db: Db, keys: string[]): Promise<number> {
  const rows = await db.selectFrom('sign_in_failures').selectAll().where('key', 'in', keys).execute();
  const now = Date.now();
  const until = Math.max(0, ...rows.map((r) => (r.blocked_until ? Date.parse(r.blocked_until) : 0)));
  return Math.max(0, until - now);
}

/** Counts a failure against each key, blocking those past the free failures. */
export async function recordFailure(db: Db, keys: string[]): Promise<void> {
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    for (const key of keys) {
      const row = await trx.selectFrom('sign_in_failures').selectAll().where('key', '=', key)
        .executeTakeFirst();
      const fresh = !row || now - Date.parse(row.first_failure_at) > windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const free = key.startsWith('account:') ? freeFailures.account : freeFailures.address;
      const blockMs = failures > free ? Math.min(maxBlockMs, 1000 * 2 ** (failures - free - 1)) : 0;
      const values = {
        failures,
        first_failure_at: fresh ? new Date(now).toISOString() : row.first_failure_at,
        blocked_until: blockMs > 0 ? new Date(now + blockMs).toISOString() : null,
      };
      await trx
        .insertInto('sign_in_failures')
        .values({ key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    }
  });
}

/** Forgets the account's failures after a successful sign-in. */
export async function clearFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures')
    .where('key', '=', `account:${email.trim().toLowerCase()}`)
    .execute();
}
