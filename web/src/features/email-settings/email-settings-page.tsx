import { PageError, PageLoader } from '../../components/page-state.tsx';
import { useSession } from '../auth/api.ts';
import { useGeneralSettings } from '../general-settings/api.ts';
import { useEmailSettings } from './api.ts';
import { EmailSettingsForm } from './email-settings-form.tsx';

/**
 * Settings → E-mail. Loads what the form needs (the settings, and the company name and
 * signed-in user for the sender name preview) and hands it over; the form never fetches.
 */
export function EmailSettingsPage() {
  const settings = useEmailSettings();
  const general = useGeneralSettings();
  const { data: user } = useSession();

  if (settings.isPending || general.isPending) {
    return <PageLoader label="Loading e-mail settings" />;
  }
  if (settings.isError) {
    return <PageError error={settings.error} onRetry={() => void settings.refetch()} />;
  }
  if (general.isError) {
    return <PageError error={general.error} onRetry={() => void general.refetch()} />;
  }
  if (!user) return null;

  return <EmailSettingsForm settings={settings.data} general={general.data} user={user} />;
}
