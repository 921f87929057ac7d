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
});
export type Me = z.infer<typeof meSchema>;
