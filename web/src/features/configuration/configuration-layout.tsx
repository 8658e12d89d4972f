import { Accordion, Box, Flex, NavLink, Paper, Text } from '@mantine/core';
import { Link, Outlet, useLocation } from 'react-router-dom';

interface MenuEntry {
  label: string;
  to: string;
  description: string;
}

/** The configuration menu: groups of configuration areas, each group an accordion item. */
const menu: { group: string; entries: MenuEntry[] }[] = [
  {
    group: 'System',
    entries: [
      {
        label: 'General Configuration',
        to: '/configuration/general',
        description: 'E-mail, company details, users and the audit log',
      },
      {
        label: 'Delivery log',
        to: '/mail/log',
        description: 'Every message sent, its attempts, and the outbox',
      },
    ],
  },
];

/** Configuration: the accordion menu beside the chosen configuration area. */
export function ConfigurationLayout() {
  const location = useLocation();
  return (
    <Flex gap="lg" direction={{ base: 'column', md: 'row' }} align="flex-start">
      <Paper
        component="nav"
        aria-label="Configuration menu"
        withBorder
        radius="md"
        w={{ base: '100%', md: 260 }}
        // The menu stays in view beside a long settings page, just under the header.
        pos={{ base: 'static', md: 'sticky' }}
        top="calc(var(--app-shell-header-height) + var(--mantine-spacing-md))"
        style={{ flexShrink: 0 }}
      >
        <Accordion multiple defaultValue={menu.map((item) => item.group)} variant="default">
          {menu.map(({ group, entries }) => (
            <Accordion.Item key={group} value={group}>
              <Accordion.Control>{group}</Accordion.Control>
              <Accordion.Panel>
                {entries.map((entry) => (
                  <NavLink
                    key={entry.to}
                    component={Link}
                    to={entry.to}
                    label={entry.label}
                    description={entry.description}
                    active={location.pathname.startsWith(entry.to)}
                  />
                ))}
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      </Paper>
      <Box style={{ flex: 1, minWidth: 0 }} w="100%">
        <Outlet />
      </Box>
    </Flex>
  );
}

/** Configuration before an area is chosen. */
export function ConfigurationIndexPage() {
  return (
    <Paper withBorder radius="md" p="lg">
      <Text fw={600} mb={4}>
        Configuration
      </Text>
      <Text size="sm" c="dimmed">
        Choose an area from the menu. General Configuration holds the outgoing e-mail settings,
        the company details, the portal&apos;s users and the log of settings changes.
      </Text>
    </Paper>
  );
}
