/** Name and description of the web app, used in titles and the shell. */
export const siteConfig = {
  name: "Krowoc",
  description: "Create, organize, version and run LLM prompts with your own keys.",
} as const;
