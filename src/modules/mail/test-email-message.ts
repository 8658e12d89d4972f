/**
 * The message the test e-mail sends: from the company at the account address, saying which
 * settings worked. It never carries the password.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { GeneralSettings, SmtpSettings } from '../settings/schema.ts';
import { composeMessage } from './compose.ts';

export const testEmailSubject = 'Home Portal: test e-mail';

const connectionTypeLabels = { none: 'Not Secured', ssl: 'SSL', tls: 'TLS (STARTTLS)' } as const;

export interface TestMessageInput {
  settings: SmtpSettings;
  general: GeneralSettings;
  to: string;
  /** The server as the run resolved it. */
  host: string;
  port: number;
}

/** The test message as sent over SMTP; it goes to `to` even while mail is redirected. */
export function buildTestMessage(input: TestMessageInput): Promise<Buffer> {
  const { settings, general, to } = input;
  const composed = composeMessage({
    settings: { ...settings, redirectAllToAdmin: false },
    general,
    actor: { kind: 'company' },
    draft: { to: [to], subject: testEmailSubject, text: testText(input) },
  });
  const { redirected: _redirected, ...mail } = composed;
  return new MailComposer(mail).compile().build();
}

function testText({ settings, general, host, port }: TestMessageInput): string {
  const login = settings.authorizationRequired ? `yes, as ${settings.login}` : 'no';
  return [
    `This is a test e-mail from the ${general.companyName} Home Portal.`,
    '',
    'It arrived, so these e-mail settings are correct:',
    '',
    `  SMTP Server: ${host}`,
    `  Port: ${port}`,
    `  Connection Type: ${connectionTypeLabels[settings.connectionType]}`,
    `  E-mail Address: ${settings.emailAddress}`,
    `  Authorization Required: ${login}`,
    '',
    'No reply is needed.',
    '',
  ].join('\n');
}
