/** The portal's logger: pino, JSON lines; secrets are redacted should one ever reach a field. */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'home-portal' },
    redact: {
      paths: ['password', '*.password', 'settings.password', 'req.headers.cookie',
        'req.headers.authorization', 'headers.cookie', 'auth.pass'],
      censor: '[secret]',
    },
  });
}
