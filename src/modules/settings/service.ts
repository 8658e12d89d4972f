/**
 * Reading and saving the e-mail and general settings. A save is one transaction: the settings,
 * the sealed password and the audit entries land together or not at all.
 */
import { newId } from '../../db/ids.ts';
import type { Db } from '../../db/schema.ts';
import { validationFailed, type FieldErrors } from '../../errors.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import {
  defaultEmailSettings,
  defaultGeneralSettings,
  emailSettingsFields,
  generalSettings,
  type EmailSettings,
  type EmailSettingsInput,
  type EmailSettingsView,
  type GeneralSettings,
  type SmtpSettings,
} from './schema.ts';

const passwordSecret = 'smtp.password';

/** Who changed a setting, for the audit log. */
export interface Changer {
  id: string | null;
  email: string;
}

type Executor = Pick<Db, 'selectFrom'>;

async function readStored<T extends object>(
  db: Executor,
  name: string,
  defaults: T,
  parse: (value: unknown) => Partial<T>,
): Promise<T> {
  const row = await db.selectFrom('settings').select('value').where('name', '=', name)
    .executeTakeFirst();
  if (!row) return { ...defaults };
  return { ...defaults, ...parse(JSON.parse(row.value)) };
}

/** Stored values that no longer pass (after a rule changed) fall back to the defaults. */
function lenient<T extends object>(shape: { safeParse(v: unknown): { success: boolean } } & {
  shape: Record<string, { safeParse(v: unknown): { success: boolean } }>;
}) {
  return (value: unknown): Partial<T> => {
    const result: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape.shape)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && field.safeParse(v).success) result[key] = v;
    }
    return result as Partial<T>;
  };
}

const parseEmail = lenient<EmailSettings>(emailSettingsFields);
const parseGeneral = lenient<GeneralSettings>(generalSettings);

export async function getEmailSettings(db: Executor): Promise<EmailSettings> {
  return readStored(db, 'email', defaultEmailSettings, parseEmail);
}

export async function getGeneralSettings(db: Executor): Promise<GeneralSettings> {
  return readStored(db, 'general', defaultGeneralSettings, parseGeneral);
}

async function sealedPassword(db: Executor): Promise<string | undefined> {
  const row = await db.selectFrom('secrets').select('sealed').where('name', '=', passwordSecret)
    .executeTakeFirst();
  return row?.sealed;
}

/** The settings as the API shows them: never the password, only whether one is stored. */
export async function getEmailSettingsView(db: Executor): Promise<EmailSettingsView> {
  const [settings, sealed] = await Promise.all([getEmailSettings(db), sealedPassword(db)]);
  return { ...settings, passwordSet: sealed !== undefined };
}

/** The settings a connection needs, with the stored password opened. */
export async function getSmtpSettings(db: Executor, cipher: SecretCipher): Promise<SmtpSettings> {
  const [settings, sealed] = await Promise.all([getEmailSettings(db), sealedPassword(db)]);
  return { ...settings, password: sealed === undefined ? '' : cipher.open(sealed) };
}

/**
 * Settings from a form that may not be saved yet: a blank or absent password means the
 * stored one, so a test can be run without typing the password again.
 */
export async function smtpSettingsFromInput(
  db: Executor,
  cipher: SecretCipher,
  input: EmailSettingsInput,
): Promise<SmtpSettings> {
  const { password, ...fields } = input;
  if (password) return { ...fields, password };
  const sealed = await sealedPassword(db);
  return { ...fields, password: sealed === undefined ? '' : cipher.open(sealed) };
}

/** The rules across fields and across settings, which the field schema cannot see alone. */
async function crossCheck(db: Executor, input: EmailSettingsInput): Promise<FieldErrors> {
  const fields: FieldErrors = {};
  if (input.smtpServer !== '' && input.emailAddress === '') {
    fields.emailAddress = 'Enter the e-mail address of the sending account.';
  }
  if (input.authorizationRequired && !input.password && (await sealedPassword(db)) === undefined) {
    fields.password = 'Enter the password, or clear Authorization Required.';
  }
  if (input.redirectAllToAdmin && (await getGeneralSettings(db)).administratorEmail === '') {
    fields.redirectAllToAdmin =
      'Set the administrator e-mail in the General settings first: redirected mail goes there.';
  }
  return fields;
}

function describeChanges<T extends object>(before: T, after: T): Array<[string, string]> {
  const changes: Array<[string, string]> = [];
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes.push([String(key), `${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`]);
    }
  }
  return changes;
}

async function writeSettings(
  db: Db,
  name: string,
  value: object,
  changes: Array<[string, string]>,
  changer: Changer,
  secret?: { name: string; sealed: string },
): Promise<void> {
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const row = { name, value: JSON.stringify(value), updated_at: now };
    await trx.insertInto('settings').values(row)
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: row.value, updated_at: now }))
      .execute();
    if (secret) {
      const values = { name: secret.name, sealed: secret.sealed, updated_at: now };
      await trx.insertInto('secrets').values(values)
        .onConflict((oc) => oc.column('name').doUpdateSet({ sealed: secret.sealed, updated_at: now }))
        .execute();
    }
    if (changes.length > 0) {
      await trx.insertInto('audit_log').values(changes.map(([setting, change]) => ({
        id: newId(),
        at: now,
        user_id: changer.id,
        user_email: changer.email,
        setting: `${name}.${setting}`,
        change,
      }))).execute();
    }
  });
}

/** Validates across fields, then saves the e-mail settings; returns the new view. */
export async function saveEmailSettings(
  db: Db,
  cipher: SecretCipher,
  changer: Changer,
  input: EmailSettingsInput,
): Promise<EmailSettingsView> {
  const problems = await crossCheck(db, input);
  if (Object.keys(problems).length > 0) throw validationFailed(problems);

  const { password, ...settings } = input;
  const before = await getEmailSettings(db);
  const changes = describeChanges(before, settings);
  if (password) changes.push(['password', 'changed']);
  const secret = password ? { name: passwordSecret, sealed: cipher.seal(password) } : undefined;

  await writeSettings(db, 'email', settings, changes, changer, secret);
  return getEmailSettingsView(db);
}

/** Saves the general settings; returns them as saved. */
export async function saveGeneralSettings(
  db: Db,
  changer: Changer,
  input: GeneralSettings,
): Promise<GeneralSettings> {
  const email = await getEmailSettings(db);
  if (email.redirectAllToAdmin && input.administratorEmail === '') {
    throw validationFailed({
      administratorEmail: 'Redirect All Mail to Admin is on: redirected mail needs this address.',
    });
  }
  const before = await getGeneralSettings(db);
  await writeSettings(db, 'general', input, describeChanges(before, input), changer);
  return getGeneralSettings(db);
}

export interface AuditEntry {
  at: string;
  userEmail: string;
  setting: string;
  change: string;
}

/** The settings' audit log, newest first. */
export async function listAudit(
  db: Db,
  page: number,
  pageSize = 50,
): Promise<{ entries: AuditEntry[]; total: number }> {
  const [rows, count] = await Promise.all([
    db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('setting')
      .limit(pageSize).offset((page - 1) * pageSize).execute(),
    db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    entries: rows.map((r) => ({ at: r.at, userEmail: r.user_email, setting: r.setting, change: r.change })),
    total: Number(count.n),
  };
}
