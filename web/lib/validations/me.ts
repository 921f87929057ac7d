import { z } from "zod";

/** Subscription tiers; only an admin changes a user's tier. */
export const tierSchema = z.enum(["free", "power", "team"]);
export type Tier = z.infer<typeof tierSchema>;

/** Roles a user can hold in a workspace. */
export const workspaceRoleSchema = z.enum(["owner", "admin", "editor", "viewer"]);
export type WorkspaceRole = z.infer<typeof workspaceRoleSchema>;

/** The signed-in user as `GET /api/v1/me` returns it. */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  tier: tierSchema,
  verified: z.boolean(),
  created: z.string(),
});
export type User = z.infer<typeof userSchema>;

/** A workspace the user belongs to, with the user's role in it. */
export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["personal", "team"]),
  role: workspaceRoleSchema,
});
export type Workspace = z.infer<typeof workspaceSchema>;

/** Response of `GET /api/v1/me`. */
export const meSchema = z.object({
  user: userSchema,
  workspaces: z.array(workspaceSchema),
  /** Live prompts the user owns (the trash does not count). */
  promptCount: z.number().int(),
  /** How many prompts the user may own; null means unlimited. */
  promptLimit: z.number().int().nullable(),
});
export type Me = z.infer<typeof meSchema>;

/** Roles that may create and edit in a workspace. */
export function canWrite(role: WorkspaceRole | undefined): boolean {
  return role === "owner" || role === "admin" || role === "editor";
}

/** The user's personal workspace, or the first one when there is none. */
export function personalWorkspace(workspaces: readonly Workspace[]): Workspace | undefined {
  return workspaces.find((w) => w.kind === "personal") ?? workspaces[0];
}
