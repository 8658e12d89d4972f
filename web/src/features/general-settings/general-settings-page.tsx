import { PageError, PageLoader } from '../../components/page-state.tsx';
import { useGeneralSettings } from './api.ts';
import { GeneralSettingsForm } from './general-settings-form.tsx';

/** Settings → General: loads the settings and hands them to the form. */
export function GeneralSettingsPage() {
  const settings = useGeneralSettings();
  if (settings.isPending) return <PageLoader label="Loading general settings" />;
  if (settings.isError) {
    return <PageError error={settings.error} onRetry={() => void settings.refetch()} />;
  }
  return <GeneralSettingsForm settings={settings.data} />;
}
