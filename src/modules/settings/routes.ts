/**
 * The settings API. Reading and changing settings is for administrators; the status for the
 * banners on every page (redirect on, outbox paused) is for every signed-in user.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { administrator, currentUser, signedIn } from '../../http/guards.ts';
import { parseBody } from '../../http/validation.ts';
import type { Portal } from '../../portal.ts';
import { runTestEmail } from '../mail/test-email.ts';
import { readControl } from '../outbox/store.ts';
import { emailSettingsInput, generalSettings, testEmailRequest } from './schema.ts';
import {
  getEmailSettings,
  getEmailSettingsView,
  getGeneralSettings,
  getSmtpSettings,
  listAudit,
  saveEmailSettings,
  saveGeneralSettings,
  smtpSettingsFromInput,
} from './service.ts';

const auditQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

export function settingsRoutes(portal: Portal): FastifyPluginAsync {
  const { db, cipher } = portal;
  const guard = { preHandler: administrator };

  return async (api) => {
    api.get('/settings/email', guard, async () => getEmailSettingsView(db));

    api.put('/settings/email', guard, async (request) => {
      const input = parseBody(emailSettingsInput, request.body);
      const user = currentUser(request);
      const view = await saveEmailSettings(db, cipher, { id: user.id, email: user.email }, input);
      request.log.info({ userId: user.id }, 'e-mail settings saved');
      portal.events.emit('settings-changed');
      return view;
    });

    api.get('/settings/general', guard, async () => getGeneralSettings(db));

    api.put('/settings/general', guard, async (request) => {
      const input = parseBody(generalSettings, request.body);
      const user = currentUser(request);
      const saved = await saveGeneralSettings(db, { id: user.id, email: user.email }, input);
      request.log.info({ userId: user.id }, 'general settings saved');
      portal.events.emit('settings-changed');
      return saved;
    });

    api.post('/settings/email/test', guard, async (request) => {
      const { to, settings } = parseBody(testEmailRequest, request.body);
      const smtp = settings
        ? await smtpSettingsFromInput(db, cipher, settings)
        : await getSmtpSettings(db, cipher);
      const result = await runTestEmail({ settings: smtp, general: await getGeneralSettings(db), to });
      const failed = result.steps.find((step) => !step.ok)?.name;
      request.log.info({ ok: result.ok, failedStep: failed, saved: !settings }, 'test e-mail run');
      return result;
    });

    api.get('/settings/audit', guard, async (request) => {
      const { page } = parseBody(auditQuery, request.query ?? {});
      return listAudit(db, page);
    });

    api.get('/status', { preHandler: signedIn }, async (request) => {
      const [email, general, outbox] = await Promise.all([
        getEmailSettings(db),
        getGeneralSettings(db),
        readControl(db),
      ]);
      // The reason quotes the server's reply to the portal's login: for administrators only.
      const administrator = currentUser(request).role === 'administrator';
      return {
        redirectAllToAdmin: email.redirectAllToAdmin,
        administratorEmail: email.redirectAllToAdmin ? general.administratorEmail : '',
        outboxPaused: outbox.paused,
        ...(administrator && outbox.paused ? { outboxPauseReason: outbox.pauseReason ?? '' } : {}),
      };
    });
  };
}
