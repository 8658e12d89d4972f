/**
 * Every route of the UI. URLs name the place in the configuration, so each tab can be linked
 * to: /configuration/general/settings/email is the e-mail settings; /mail/log is the
 * delivery log and /mail/log/<id> one message in it.
 */
import { createBrowserRouter, Navigate } from 'react-router-dom';
import { AuditLogPage } from '../features/audit-log/audit-log-page.tsx';
import { SetupPage } from '../features/auth/setup-page.tsx';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { SignOutPage } from '../features/auth/sign-out-page.tsx';
import { DeliveryLogPage } from '../features/delivery-log/delivery-log-page.tsx';
import {
  ConfigurationIndexPage,
  ConfigurationLayout,
} from '../features/configuration/configuration-layout.tsx';
import {
  GeneralConfigurationLayout,
  SettingsTabsLayout,
} from '../features/configuration/general-configuration-layout.tsx';
import { EmailSettingsPage } from '../features/email-settings/email-settings-page.tsx';
import { GeneralSettingsPage } from '../features/general-settings/general-settings-page.tsx';
import { UsersPage } from '../features/users/users-page.tsx';
import { PortalShell } from './app-shell.tsx';
import { RequireAdministrator, RequireSession } from './guards.tsx';
import { HomePage } from './home-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';

export function createRouter() {
  return createBrowserRouter([
    { path: '/sign-in', element: <SignInPage /> },
    { path: '/setup', element: <SetupPage /> },
    { path: '/sign-out', element: <SignOutPage /> },
    {
      path: '/',
      element: <RequireSession>{(user) => <PortalShell user={user} />}</RequireSession>,
      children: [
        { index: true, element: <HomePage /> },
        { path: 'mail', element: <Navigate to="log" replace /> },
        // One route for the log and a message's drawer over it: the list stays mounted.
        { path: 'mail/log/:id?', element: <DeliveryLogPage /> },
        {
          path: 'configuration',
          element: <RequireAdministrator />,
          children: [
            {
              element: <ConfigurationLayout />,
              children: [
                { index: true, element: <ConfigurationIndexPage /> },
                {
                  path: 'general',
                  element: <GeneralConfigurationLayout />,
                  children: [
                    { index: true, element: <Navigate to="settings/email" replace /> },
                    {
                      path: 'settings',
                      element: <SettingsTabsLayout />,
                      children: [
                        { index: true, element: <Navigate to="email" replace /> },
                        { path: 'email', element: <EmailSettingsPage /> },
                        { path: 'general', element: <GeneralSettingsPage /> },
                      ],
                    },
                    { path: 'users', element: <UsersPage /> },
                    { path: 'audit-log', element: <AuditLogPage /> },
                  ],
                },
              ],
            },
          ],
        },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
