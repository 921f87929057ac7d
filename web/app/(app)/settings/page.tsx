import { SettingsIndexRedirect } from "@/components/settings-index-redirect";

export default function SettingsIndexPage() {
  return <SettingsIndexRedirect />;
}
