import { Tabs } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';

interface RouteTab {
  /** The path segment under `basePath` that selects the tab. */
  value: string;
  label: string;
}

interface RouteTabsProps {
  basePath: string;
  tabs: RouteTab[];
  label: string;
  variant?: 'default' | 'outline' | 'pills';
}

/**
 * Tabs whose selection is the URL, so that every tab can be linked to, reloaded and reached
 * with the browser's back button; the active tab's panel holds the child route.
 */
export function RouteTabs({ basePath, tabs, label, variant = 'default' }: RouteTabsProps) {
  const location = useLocation();
  const navigate = useNavigate();
  const rest = location.pathname.slice(basePath.length).split('/').filter(Boolean);
  const active = tabs.find((tab) => tab.value === rest[0])?.value ?? null;

  return (
    <Tabs
      value={active}
      variant={variant}
      keepMounted={false}
      onChange={(value) => value && navigate(`${basePath}/${value}`)}
    >
      <Tabs.List aria-label={label} mb="md">
        {tabs.map((tab) => (
          <Tabs.Tab key={tab.value} value={tab.value}>
            {tab.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {active ? (
        <Tabs.Panel value={active}>
          <Outlet />
        </Tabs.Panel>
      ) : (
        // No tab chosen yet: the index route picks one.
        <Outlet />
      )}
    </Tabs>
  );
}
