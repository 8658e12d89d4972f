/**
 * `portal`: what an operator scripts. It works on the portal's database directly, with the
 * same configuration as `npm start` (PORTAL_DATA_DIR, DATABASE_URL, PORTAL_SECRET_KEY).
 *
 *   portal user create --email E --first-name F --last-name L [--role administrator|user]
 *                      (password from PORTAL_USER_PASSWORD, else none: the user cannot sign in)
 *   portal settings email get
 *   portal settings email set field=value …   (password from PORTAL_SMTP_PASSWORD)
 *   portal mail test --to ADDRESS
 *   portal outbox stats                       (the counts by state, paused and held)
 *   portal worker                             (the delivery worker alone, until a signal)
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { PortalError } from '../errors.ts';
import { parseBody } from '../http/validation.ts';
import { createLogger } from '../log.ts';
import { runTestEmail } from '../modules/mail/test-email.ts';
import { startOutboxWorker } from '../modules/outbox/install.ts';
import { outboxStats } from '../modules/outbox/service.ts';
import { emailSettingsInput, emailSettingsFields, testEmailRequest } from '../modules/settings/schema.ts';
import {
  getEmailSettingsView,
  getGeneralSettings,
  getSmtpSettings,
  saveEmailSettings,
} from '../modules/settings/service.ts';
import { createUser, newUserInput } from '../modules/users/service.ts';
import { closePortal, openPortal, type Portal } from '../portal.ts';

const usage = `usage:
  portal user create --email E --first-name F --last-name L [--role administrator|user]
  portal settings email get
  portal settings email set field=value ...
  portal mail test --to ADDRESS
  portal outbox stats
  portal worker

The password of a new user comes from PORTAL_USER_PASSWORD, the SMTP password from
PORTAL_SMTP_PASSWORD, so that neither shows in the process list or the shell history.`;

const cliChanger = { id: null, email: 'command line' };

type Command = (portal: Portal, args: string[]) => Promise<number>;

const userCreate: Command = async (portal, args) => {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      role: { type: 'string', default: 'user' },
    },
  });
  const input = parseBody(newUserInput, {
    email: values.email ?? '',
    firstName: values['first-name'] ?? '',
    lastName: values['last-name'] ?? '',
    role: values.role,
    ...(process.env.PORTAL_USER_PASSWORD ? { password: process.env.PORTAL_USER_PASSWORD } : {}),
  });
  const user = await createUser(portal.db, input);
  console.log(JSON.stringify({ user }, null, 2));
  return 0;
};

/** Reads `field=value` pairs, each typed as the current value of its field is. */
function settingsPairs(pairs: string[], current: Record<string, unknown>): Record<string, unknown> {
  const shape = emailSettingsFields.shape as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new PortalError('BAD_REQUEST', `"${pair}" is not field=value.`);
    const [field, text] = [pair.slice(0, at), pair.slice(at + 1)];
    if (!(field in shape)) {
      throw new PortalError('BAD_REQUEST', `There is no e-mail setting "${field}"; known: ${Object.keys(shape).join(', ')}.`);
    }
    const kind = typeof current[field];
    values[field] = kind === 'boolean' ? /^(true|1|yes|on)$/i.test(text)
      : kind === 'number' ? Number(text) : text;
  }
  return values;
}

const settingsEmailGet: Command = async (portal) => {
  console.log(JSON.stringify(await getEmailSettingsView(portal.db), null, 2));
  return 0;
};

const settingsEmailSet: Command = async (portal, args) => {
  const { passwordSet: _set, ...current } = await getEmailSettingsView(portal.db);
  const password = process.env.PORTAL_SMTP_PASSWORD;
  const input = parseBody(emailSettingsInput, {
    ...current,
    ...settingsPairs(args, current),
    ...(password ? { password } : {}),
  });
  const view = await saveEmailSettings(portal.db, portal.cipher, cliChanger, input);
  console.log(JSON.stringify(view, null, 2));
  return 0;
};

const mailTest: Command = async (portal, args) => {
  const { values } = parseArgs({ args, options: { to: { type: 'string' } } });
  const { to } = parseBody(testEmailRequest, { to: values.to ?? '' });
  const settings = await getSmtpSettings(portal.db, portal.cipher);
  const result = await runTestEmail({ settings, general: await getGeneralSettings(portal.db), to });
  for (const step of result.steps) {
    console.log(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name.padEnd(15)} ${String(step.ms).padStart(6)} ms  ${step.detail}`);
  }
  if (result.hint) console.log(`\nhint: ${result.hint}`);
  console.log(result.ok ? '\nThe test e-mail was sent.' : '\nThe test e-mail was not sent.');
  return result.ok ? 0 : 1;
};

/** The same shape as `GET /api/outbox/stats`: sending is held while `heldUntil` is present. */
const outboxStatsCommand: Command = async (portal) => {
  console.log(JSON.stringify(await outboxStats(portal.db), null, 2));
  return 0;
};

/**
 * Runs the delivery worker without the HTTP server until SIGINT or SIGTERM, then lets the
 * messages in flight finish and records their verdicts (the portal closes after the command).
 * A second signal exits at once: what was in flight is sent again when its lease ends.
 */
const worker: Command = async (portal) => {
  startOutboxWorker(portal);
  portal.log.info({ dialect: portal.dialect }, 'portal worker running');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  portal.log.info({ signal }, 'portal worker stopping');
  const giveUp = (again: NodeJS.Signals) => {
    portal.log.warn({ signal: again }, 'portal worker stopped without waiting');
    process.exit(130);
  };
  process.once('SIGINT', giveUp);
  process.once('SIGTERM', giveUp);
  return 0;
};

const commands: Record<string, Command> = {
  'user create': userCreate,
  'settings email get': settingsEmailGet,
  'settings email set': settingsEmailSet,
  'mail test': mailTest,
  'outbox stats': outboxStatsCommand,
  worker,
};

/** Commands that run until stopped log like `npm start` does; the others only their warnings. */
const longRunning = new Set(['worker']);

interface FoundCommand {
  name: string;
  command: Command;
  rest: string[];
}

function findCommand(argv: string[]): FoundCommand | undefined {
  for (const [name, command] of Object.entries(commands)) {
    const words = name.split(' ');
    if (words.every((word, i) => argv[i] === word)) {
      return { name, command, rest: argv.slice(words.length) };
    }
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    console.error(usage);
    return 2;
  }
  const level = longRunning.has(found.name) ? 'info' : 'warn';
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? level });
  const portal = await openPortal(config, { log: createLogger(config.logLevel) });
  try {
    return await found.command(portal, found.rest);
  } finally {
    await closePortal(portal);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof PortalError) {
      console.error(error.message);
      for (const [field, message] of Object.entries(error.fields ?? {})) console.error(`  ${field}: ${message}`);
    } else if (error instanceof ConfigError) {
      console.error(error.message);
    } else {
      console.error(error);
    }
    process.exit(error instanceof PortalError || error instanceof ConfigError ? 2 : 1);
  },
);
