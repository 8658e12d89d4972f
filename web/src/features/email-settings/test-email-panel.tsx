import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { useState, type KeyboardEvent } from 'react';
import { isApiError } from '../../api/client.ts';
import { emailAddress, type TestEmailResult } from '../../shared/settings.ts';
import { useSendTestEmail } from './api.ts';
import type { SectionProps } from './field-props.ts';
import { toSettingsInput } from './form-values.ts';
import { TestEmailSteps } from './test-email-steps.tsx';

interface TestEmailPanelProps extends SectionProps {
  defaultRecipient: string;
}

/**
 * Send Test E-mail to: sends a message with the form's current values, saved or not, and
 * reports every step of the conversation with the server.
 */
export function TestEmailPanel({ form, readOnly, defaultRecipient }: TestEmailPanelProps) {
  const [to, setTo] = useState(defaultRecipient);
  const [toError, setToError] = useState<string | null>(null);
  const [formInvalid, setFormInvalid] = useState(false);
  const test = useSendTestEmail();

  const run = () => {
    const recipient = emailAddress.safeParse(to);
    setToError(recipient.success ? null : recipient.error.issues[0]?.message ?? 'Invalid.');
    // In edit mode the values may be wrong; the errors then show beside their fields.
    const invalid = !readOnly && form.validate().hasErrors;
    setFormInvalid(invalid);
    if (!recipient.success || invalid) return;
    test.mutate(
      { to: recipient.data, settings: toSettingsInput(form.getValues()) },
      { onError: showFieldErrors },
    );
  };

  // A refused request names `to` or `settings.<field>`: each error goes beside its field.
  const showFieldErrors = (error: unknown) => {
    const fields = isApiError(error) ? error.fields : undefined;
    if (!fields) return;
    const beside: Record<string, string> = {};
    for (const [path, message] of Object.entries(fields)) {
      if (path === 'to') setToError(message);
      else if (path.startsWith('settings.')) beside[path.slice('settings.'.length)] = message;
    }
    form.setErrors(beside);
  };

  const runOnEnter = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    // Enter here tests; it must not submit the settings form around it.
    event.preventDefault();
    run();
  };

  return (
    <Stack gap="sm">
      <TextInput
        label="Send Test E-mail to"
        description="An address whose mailbox you can open. The test uses the values on this
          page, saved or not."
        type="email"
        value={to}
        error={toError}
        onChange={(event) => setTo(event.currentTarget.value)}
        onKeyDown={runOnEnter}
        inputContainer={(input) => (
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <div style={{ flex: 1 }}>{input}</div>
            <Button onClick={run} loading={test.isPending} variant="outline">
              Test
            </Button>
          </Group>
        )}
      />
      <section aria-live="polite" aria-label="Test e-mail result">
        {formInvalid && (
          <Alert color="red">Correct the marked fields before sending a test e-mail.</Alert>
        )}
        {test.isPending && <Alert color="gray">Sending a test e-mail…</Alert>}
        {test.isError && (
          <Alert color="red" title="The test could not be run">
            {test.error.message}
          </Alert>
        )}
        {test.data && !test.isPending && (
          <TestEmailOutcome
            result={test.data}
            to={test.variables.to}
            secured={test.variables.settings?.connectionType !== 'none'}
          />
        )}
      </section>
    </Stack>
  );
}

interface TestEmailOutcomeProps {
  result: TestEmailResult;
  to: string;
  secured: boolean;
}

function TestEmailOutcome({ result, to, secured }: TestEmailOutcomeProps) {
  return (
    <Stack gap="sm">
      {result.ok ? (
        <Alert color="green" title="The test e-mail was sent">
          The server accepted the test message for {to}. Open that mailbox: the message says the
          settings work.
        </Alert>
      ) : (
        <Alert color="red" title="The test e-mail was not sent">
          {result.hint ?? 'The step marked as failed below says what went wrong.'}
        </Alert>
      )}
      <TestEmailSteps steps={result.steps} ok={result.ok} secured={secured} />
    </Stack>
  );
}
