/**
 * What `POST /api/mail/messages` and its batch form accept. Every header value is checked for
 * line breaks here, before anything is written; composition checks again at send time.
 */
import { z } from 'zod';
import type { MailDraft } from '../mail/compose.ts';
import { emailAddress } from '../settings/schema.ts';

export const lanes = ['account', 'crm'] as const;
export const outboxStates = ['queued', 'sending', 'deferred', 'sent', 'failed', 'cancelled'] as const;

/** The most messages one batch request may carry. */
export const batchLimit = 1000;

const addressList = (label: string, max: number) =>
  z
    .union([emailAddress, z.array(emailAddress).max(max, `At most ${max} ${label} recipients.`)])
    .transform((value) => (Array.isArray(value) ? value : [value]));

export const messageInput = z
  .object({
    to: addressList('To', 100).refine((list) => list.length > 0, 'Name at least one recipient.'),
    cc: addressList('Cc', 100).optional(),
    bcc: addressList('Bcc', 100).optional(),
    subject: z
      .string({ error: 'Enter a subject.' })
      .max(998, 'The subject may be at most 998 characters (RFC 5322 line length).')
      .refine((v) => !/[\r\n]/.test(v), 'The subject may not contain line breaks.'),
    text: z.string().max(5_000_000, 'The text may be at most 5,000,000 characters.').optional(),
    html: z.string().max(5_000_000, 'The HTML may be at most 5,000,000 characters.').optional(),
    lane: z.enum(lanes, { error: 'The lane must be "account" or "crm".' }),
  })
  .strict()
  .superRefine((value, ctx) => {
    const several = value.to.length > 1;
    if (value.lane === 'crm' && several && (value.cc?.length || value.bcc?.length)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cc'],
        message: 'A CRM message to several recipients is sent as one message each: leave Cc and Bcc empty.',
      });
    }
  });

export type MessageInput = z.infer<typeof messageInput>;

export const batchInput = z
  .object({
    messages: z
      .array(messageInput)
      .min(1, 'Send at least one message.')
      .max(batchLimit, `A batch may carry at most ${batchLimit} messages.`),
  })
  .strict();

/**
 * The drafts a message becomes. On the CRM lane each recipient gets a message of their own,
 * so that one refused address never holds back the others.
 */
export function draftsOf(input: MessageInput): MailDraft[] {
  const base: MailDraft = {
    to: input.to,
    subject: input.subject,
    ...(input.cc?.length ? { cc: input.cc } : {}),
    ...(input.bcc?.length ? { bcc: input.bcc } : {}),
    ...(input.text !== undefined ? { text: input.text } : {}),
    ...(input.html !== undefined ? { html: input.html } : {}),
  };
  if (input.lane !== 'crm' || input.to.length === 1) return [base];
  return input.to.map((address) => ({ ...base, to: [address] }));
}

export const listQuery = z.object({
  state: z.enum(outboxStates, { error: `The state must be one of ${outboxStates.join(', ')}.` }).optional(),
  q: z.string().max(200, 'The search may be at most 200 characters.').optional(),
  page: z.coerce.number({ error: 'The page must be a number.' }).int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
