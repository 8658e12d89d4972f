import { Box, Group, Text, ThemeIcon } from '@mantine/core';
import type { ReactNode } from 'react';
import { CheckIcon, CrossIcon, DashIcon } from '../../components/icons.tsx';
import { testStepNames, type TestStep, type TestStepName } from '../../shared/settings.ts';

export const testStepLabels: Record<TestStepName, string> = {
  dns: 'DNS lookup',
  connect: 'Connect',
  tls: 'TLS',
  greeting: 'Greeting and capabilities',
  authentication: 'Authentication',
  sender: 'Sender',
  recipient: 'Recipient',
  data: 'Data',
};

type StepState = 'passed' | 'failed' | 'not reached';

interface ChecklistItem {
  name: TestStepName;
  state: StepState;
  ms?: number;
  detail?: string;
}

/**
 * The steps the server reported, in order, then (after a failure) the steps it never reached,
 * so that the list always shows how far the conversation got.
 */
function checklist(steps: TestStep[], ok: boolean, secured: boolean): ChecklistItem[] {
  const items: ChecklistItem[] = steps.map((step) => ({
    name: step.name,
    state: step.ok ? 'passed' : 'failed',
    ms: step.ms,
    detail: step.detail,
  }));
  if (ok) return items;
  const last = steps.length > 0 ? testStepNames.indexOf(steps[steps.length - 1]!.name) : -1;
  const remaining = testStepNames.slice(last + 1).filter((name) => secured || name !== 'tls');
  return [...items, ...remaining.map((name) => ({ name, state: 'not reached' as const }))];
}

const marks: Record<StepState, { color: string; icon: ReactNode }> = {
  passed: { color: 'green', icon: <CheckIcon size={14} /> },
  failed: { color: 'red', icon: <CrossIcon size={14} /> },
  'not reached': { color: 'gray', icon: <DashIcon size={14} /> },
};

interface TestEmailStepsProps {
  steps: TestStep[];
  ok: boolean;
  /** Whether the tested connection type has a TLS step (SSL or TLS). */
  secured: boolean;
}

/** The test e-mail's steps as an ordered checklist: name, pass or fail, time and detail. */
export function TestEmailSteps({ steps, ok, secured }: TestEmailStepsProps) {
  return (
    <Box
      component="ol"
      aria-label="Test e-mail steps"
      m={0}
      p={0}
      style={{ listStyle: 'none', border: '1px solid var(--mantine-color-gray-3)',
        borderRadius: 'var(--mantine-radius-md)' }}
    >
      {checklist(steps, ok, secured).map((item, index) => (
        <Box
          component="li"
          key={item.name}
          px="md"
          py="xs"
          style={index > 0 ? { borderTop: '1px solid var(--mantine-color-gray-2)' } : undefined}
        >
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <ThemeIcon
              color={marks[item.state].color}
              variant={item.state === 'not reached' ? 'light' : 'filled'}
              radius="xl"
              size={22}
              mt={1}
            >
              {marks[item.state].icon}
            </ThemeIcon>
            <Box style={{ flex: 1, minWidth: 0 }}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm" fw={600} c={item.state === 'not reached' ? 'dimmed' : undefined}>
                  {testStepLabels[item.name]}
                  <Text span size="sm" fw={400} c="dimmed">
                    {' '}
                    ({item.state})
                  </Text>
                </Text>
                {item.ms !== undefined && (
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {item.ms} ms
                  </Text>
                )}
              </Group>
              {item.detail && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {item.detail}
                </Text>
              )}
            </Box>
          </Group>
        </Box>
      ))}
    </Box>
  );
}
