import { z } from "zod";

/** Display name of a user: trimmed, 1 to 255 characters (Pocketbase's limit). */
export const userNameSchema = z
  .string()
  .trim()
  .min(1, "Name is required.")
  .max(255, "Name must be at most 255 characters.");

/** The profile form: only the name is editable by the user. */
export const profileSchema = z.object({
  name: userNameSchema,
});
export type ProfileFormInput = z.input<typeof profileSchema>;
export type ProfileFormValues = z.output<typeof profileSchema>;
