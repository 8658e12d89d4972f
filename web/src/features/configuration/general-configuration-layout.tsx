import { Stack, Title } from '@mantine/core';
import { RouteTabs } from '../../app/route-tabs.tsx';

export const generalConfigurationPath = '/configuration/general';

/** General Configuration: its Settings, Users and Audit log tabs. */
export function GeneralConfigurationLayout() {
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        General Configuration
      </Title>
      <RouteTabs
        basePath={generalConfigurationPath}
        label="General Configuration"
        tabs={[
          { value: 'settings', label: 'Settings' },
          { value: 'users', label: 'Users' },
          { value: 'audit-log', label: 'Audit log' },
        ]}
      />
    </Stack>
  );
}

/** Settings: the E-mail and General sub-tabs. */
export function SettingsTabsLayout() {
  return (
    <RouteTabs
      basePath={`${generalConfigurationPath}/settings`}
      label="Settings"
      variant="pills"
      tabs={[
        { value: 'email', label: 'E-mail' },
        { value: 'general', label: 'General' },
      ]}
    />
  );
}
