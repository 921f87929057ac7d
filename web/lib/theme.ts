/** Colour themes the user can choose; "system" follows the OS setting. */
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];

/** localStorage key that keeps the chosen theme. */
export const THEME_STORAGE_KEY = "krowoc-theme";

/** Tells whether a stored value is a theme. */
export function isTheme(value: unknown): value is Theme {
  return typeof value === "string" && (THEMES as readonly string[]).includes(value);
}

/**
 * Script run in <head> before the first paint so the page never flashes the
 * wrong theme. It must stay self-contained: it runs before React.
 */
export const themeInitScript = `(function(){try{var t=localStorage.getItem(${JSON.stringify(
  THEME_STORAGE_KEY,
)});if(t!=="light"&&t!=="dark")t=window.matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light";var d=document.documentElement;d.classList.toggle("dark",t==="dark");d.style.colorScheme=t;}catch(e){}})();`;
