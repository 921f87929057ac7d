import { z } from "zod";

import { userNameSchema } from "@/lib/validations/profile";

/** Pocketbase's default password length limits for auth collections. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 71;

export const emailSchema = z
  .string()
  .trim()
  .min(1, "Email is required.")
  .pipe(z.email("Enter a valid email address."));

/** The sign-in form. */
export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Password is required."),
});
export type SignInFormInput = z.input<typeof signInSchema>;
export type SignInFormValues = z.output<typeof signInSchema>;

/** The sign-up form; its fields are those of Pocketbase's users collection. */
export const signUpSchema = z
  .object({
    name: userNameSchema,
    email: emailSchema,
    password: z
      .string()
      .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters.`)
      .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters.`),
    passwordConfirm: z.string().min(1, "Confirm your password."),
  })
  .refine((v) => v.password === v.passwordConfirm, {
    path: ["passwordConfirm"],
    message: "Passwords do not match.",
  });
export type SignUpFormInput = z.input<typeof signUpSchema>;
export type SignUpFormValues = z.output<typeof signUpSchema>;

/** The forgot-password form. */
export const forgotPasswordSchema = z.object({
  email: emailSchema,
});
export type ForgotPasswordFormInput = z.input<typeof forgotPasswordSchema>;
export type ForgotPasswordFormValues = z.output<typeof forgotPasswordSchema>;

/**
 * Returns `next` when it is a same-origin path of this app, otherwise "/".
 * Keeps `?next=` from sending the user to another site.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return "/";
  }
  return next;
}
