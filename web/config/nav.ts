import {
  ChartColumnIcon,
  HistoryIcon,
  HomeIcon,
  KeyRoundIcon,
  KeySquareIcon,
  LayersIcon,
  LibraryIcon,
  ServerCrashIcon,
  SettingsIcon,
  TrophyIcon,
  UserIcon,
  WorkflowIcon,
  type LucideIcon,
} from "lucide-react";

/** One link of a navigation menu. */
export interface NavItem {
  title: string;
  href: string;
  icon: LucideIcon;
  /** Paths under this prefix mark the item as current. */
  match?: string;
}

/** Main navigation of the signed-in shell. Only sections that exist are listed. */
export const mainNav: readonly NavItem[] = [
  { title: "Home", href: "/", icon: HomeIcon },
  { title: "Dashboard", href: "/dashboard/", icon: ChartColumnIcon, match: "/dashboard" },
  { title: "Prompts", href: "/prompts/", icon: LibraryIcon, match: "/prompts" },
  { title: "Chains", href: "/chains/", icon: WorkflowIcon, match: "/chains" },
  { title: "History", href: "/history/", icon: HistoryIcon, match: "/history" },
  { title: "Batches", href: "/batches/", icon: LayersIcon, match: "/batches" },
  { title: "Leaderboard", href: "/leaderboard/", icon: TrophyIcon, match: "/leaderboard" },
  { title: "Settings", href: "/settings/profile/", icon: SettingsIcon, match: "/settings" },
];

/** Sub-navigation of the settings section. */
export const settingsNav: readonly NavItem[] = [
  { title: "Profile", href: "/settings/profile/", icon: UserIcon },
  { title: "API keys", href: "/settings/keys/", icon: KeySquareIcon },
  { title: "Access tokens", href: "/settings/tokens/", icon: KeyRoundIcon },
  { title: "Failed jobs", href: "/settings/failed-jobs/", icon: ServerCrashIcon },
];

/** Tells whether a nav item is the current page. Paths compare without trailing slash. */
export function isActive(item: NavItem, pathname: string): boolean {
  const strip = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
  const path = strip(pathname);
  if (item.match) return path === item.match || path.startsWith(`${item.match}/`);
  return path === strip(item.href);
}
