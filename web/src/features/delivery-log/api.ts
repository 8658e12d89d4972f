/** The delivery log's endpoints, one hook each: the list, a message, resend and cancel. */
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

export const messageStates = [
  'queued',
  'sending',
  'deferred',
  'sent',
  'failed',
  'cancelled',
] as const;

export type MessageState = (typeof messageStates)[number];

export function isMessageState(value: unknown): value is MessageState {
  return messageStates.includes(value as MessageState);
}

/**
 * A message as a row of the delivery log.
 *
 * Not mended yet: this and MessageDetail repeat the server's types in
 * src/modules/outbox/service.ts by hand, so a field added there must be added here too.
 */
export interface MessageSummary {
  id: string;
  messageId: string;
  lane: 'account' | 'crm' | string;
  state: MessageState;
  subject: string;
  to: string[];
  /** The signing user's address, or "company" for mail that no user caused. */
  sender: string;
  /** Attempts that reached a verdict; a hold or pause does not spend one. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt?: string;
  sentAt?: string;
  /** Where the message really went while Redirect All Mail to Admin was on. */
  redirectedTo?: string;
  lastCode?: string;
  lastResponse?: string;
  /** An entry for recipients a server refused for now: the entry that reached the others. */
  retryOf?: string;
  /** The recipients this entry sends to, when not all of the headers'. */
  onlyTo?: string[];
}

export type AttemptOutcome = 'sent' | 'deferred' | 'failed' | 'held' | 'paused';

/** One try at handing a message to the SMTP server, with the protocol facts of its answer. */
export interface DeliveryAttempt {
  at: string;
  ms: number;
  outcome: AttemptOutcome | string;
  /** The transport's code, such as ECONNREFUSED or EENVELOPE. */
  code?: string;
  responseCode?: number;
  /** The SMTP command that got the reply, such as "RCPT TO". */
  command?: string;
  response?: string;
  /** The envelope recipients of this attempt. */
  target: string[];
}

/** The detail: `attempts` is the list of attempts here, where the summary has their count. */
export interface MessageDetail extends Omit<MessageSummary, 'attempts'> {
  cc: string[];
  bcc: string[];
  text?: string;
  html?: string;
  expiresAt: string;
  /** Recipients the server refused while it accepted the others. */
  rejected: string[];
  /** Entries that send the message again to recipients the server refused for now. */
  retries: { id: string; state: MessageState; to: string[] }[];
  attempts: DeliveryAttempt[];
}

export interface MessageFilter {
  state?: MessageState;
  q?: string;
  page: number;
}

export interface MessagePage {
  messages: MessageSummary[];
  total: number;
  page: number;
  pageSize: number;
}

export const messagePageSize = 50;

/**
 * `GET /api/mail/messages`: a page of the log, newest first. `pollMs` says from the latest
 * answer when to ask again (false: not until something else does).
 */
export function useMessages(filter: MessageFilter, pollMs: (page?: MessagePage) => number | false) {
  return useQuery({
    queryKey: queryKeys.mailMessageList(filter),
    queryFn: () => api.get<MessagePage>(`/api/mail/messages?${listQuery(filter)}`),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => pollMs(query.state.data),
  });
}

function listQuery({ state, q, page }: MessageFilter): string {
  const query = new URLSearchParams({ page: String(page), pageSize: String(messagePageSize) });
  if (state) query.set('state', state);
  if (q) query.set('q', q);
  return query.toString();
}

/** `GET /api/mail/messages/:id`: the message with every attempt; `pollMs` as for the list. */
export function useMessage(id: string, pollMs: (message?: MessageDetail) => number | false) {
  return useQuery({
    queryKey: queryKeys.mailMessage(id),
    queryFn: () => api.get<MessageDetail>(`/api/mail/messages/${encodeURIComponent(id)}`),
    refetchInterval: (query) => pollMs(query.state.data),
  });
}

/** `GET /api/mail/messages/:id/raw`: the message as an .eml file, for a download link. */
export function rawMessageUrl(id: string): string {
  return `/api/mail/messages/${encodeURIComponent(id)}/raw`;
}

/**
 * A resend or a cancel changes the message, its row in every list, and the counts. A refusal
 * (the message moved on meanwhile) refreshes them too, so the page shows why.
 */
function messageActionOptions(queryClient: QueryClient) {
  return {
    onSuccess: (message: MessageDetail) => {
      queryClient.setQueryData(queryKeys.mailMessage(message.id), message);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.mailMessages });
      void queryClient.invalidateQueries({ queryKey: queryKeys.outboxStats });
    },
  };
}

/** `POST /api/mail/messages/:id/retry`: sends the message again, with the same Message-ID. */
export function useResendMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api.post<MessageDetail>(`/api/mail/messages/${encodeURIComponent(id)}/retry`),
    ...messageActionOptions(queryClient),
  });
}

/** `POST /api/mail/messages/:id/cancel`: only a queued or deferred message can be cancelled. */
export function useCancelMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api.post<MessageDetail>(`/api/mail/messages/${encodeURIComponent(id)}/cancel`),
    ...messageActionOptions(queryClient),
  });
}
