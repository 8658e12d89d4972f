/**
 * Every query key the UI uses, in one place, so that a mutation can name exactly what it
 * changes. Keys are nested: invalidating `settings` reaches every settings query.
 */
export const queryKeys = {
  setup: ['setup'] as const,
  session: ['session'] as const,
  status: ['status'] as const,
  settings: ['settings'] as const,
  emailSettings: ['settings', 'email'] as const,
  generalSettings: ['settings', 'general'] as const,
  auditLog: ['settings', 'audit'] as const,
  auditLogPage: (page: number) => ['settings', 'audit', page] as const,
  users: ['users'] as const,
  mailMessages: ['mail', 'messages'] as const,
  mailMessageList: (filter: { state?: string; q?: string; page: number }) =>
    ['mail', 'messages', 'list', filter] as const,
  mailMessage: (id: string) => ['mail', 'messages', 'detail', id] as const,
  outboxStats: ['outbox', 'stats'] as const,
};
