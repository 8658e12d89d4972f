import { z } from 'zod';
import { emailAddress } from '../../shared/settings.ts';

const requiredName = (label: string) =>
  z.string().trim().min(1, `Enter the ${label}.`).max(100, `The ${label} is too long.`);

/**
 * The setup form. The password's strength is the server's rule, and its answer lands beside
 * the field; the browser only checks that both copies match.
 */
export const firstAdministratorForm = z
  .object({
    firstName: requiredName('first name'),
    lastName: requiredName('last name'),
    email: emailAddress,
    password: z.string().min(1, 'Choose a password.'),
    confirmPassword: z.string(),
  })
  .refine((values) => values.password === values.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The passwords do not match.',
  });

export type FirstAdministratorValues = z.input<typeof firstAdministratorForm>;
