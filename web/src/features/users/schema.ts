import { z } from 'zod';
import { emailAddress } from '../../shared/settings.ts';

const name = (label: string) =>
  z.string().trim().min(1, `Enter the ${label}.`).max(100, `The ${label} is too long.`);

/** The new-user form. The password's strength is the server's rule, shown beside the field. */
export const newUserForm = z.object({
  email: emailAddress,
  firstName: name('first name'),
  lastName: name('last name'),
  role: z.enum(['administrator', 'user'], { error: 'Choose a role.' }),
  password: z.string(),
});

export type NewUserValues = z.input<typeof newUserForm>;
