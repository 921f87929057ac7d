import { z } from "zod";

/** Longest personal access token name the API accepts. */
export const TOKEN_NAME_MAX = 100;

/** A token name: trimmed, 1 to 100 characters. */
export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, "Name is required.")
  .max(TOKEN_NAME_MAX, `Name must be at most ${TOKEN_NAME_MAX} characters.`);

/** A personal access token as the API lists it; the secret is never part of it. */
export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  expired: z.boolean(),
});
export type Token = z.infer<typeof tokenSchema>;

/** Response of `GET /api/v1/tokens`. */
export const tokenListSchema = z.object({
  items: z.array(tokenSchema),
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
});
export type TokenList = z.infer<typeof tokenListSchema>;

/** Body of `POST /api/v1/tokens`. */
export const createTokenRequestSchema = z.object({
  name: tokenNameSchema,
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
});
export type CreateTokenRequest = z.infer<typeof createTokenRequestSchema>;

/** Response of `POST /api/v1/tokens`: the only time the secret is sent. */
export const createTokenResponseSchema = z.object({
  token: tokenSchema,
  secret: z.string().min(1),
});
export type CreateTokenResponse = z.infer<typeof createTokenResponseSchema>;

/** Expiry choices offered when creating a token. */
export const TOKEN_EXPIRY_CHOICES = [
  { value: "never", label: "Never" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "custom", label: "Custom date" },
] as const;
export type TokenExpiryChoice = (typeof TOKEN_EXPIRY_CHOICES)[number]["value"];

const expiryValues = TOKEN_EXPIRY_CHOICES.map((c) => c.value) as [
  TokenExpiryChoice,
  ...TokenExpiryChoice[],
];

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Turns a `YYYY-MM-DD` date picked in the browser into the last millisecond of
 * that local day, or null when the text is not a real date.
 */
export function endOfLocalDay(date: string): Date | null {
  const m = isoDate.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const end = new Date(y, mo - 1, d, 23, 59, 59, 999);
  if (end.getFullYear() !== y || end.getMonth() !== mo - 1 || end.getDate() !== d) return null;
  return end;
}

/** The create-token form. A custom expiry must be a date whose end is still ahead. */
export const createTokenFormSchema = z
  .object({
    name: tokenNameSchema,
    expiry: z.enum(expiryValues),
    customDate: z.string(),
  })
  .superRefine((v, ctx) => {
    if (v.expiry !== "custom") return;
    if (v.customDate === "") {
      ctx.addIssue({ code: "custom", path: ["customDate"], message: "Pick an expiry date." });
      return;
    }
    const end = endOfLocalDay(v.customDate);
    if (!end) {
      ctx.addIssue({ code: "custom", path: ["customDate"], message: "Enter a valid date." });
    } else if (end.getTime() <= Date.now()) {
      ctx.addIssue({
        code: "custom",
        path: ["customDate"],
        message: "Expiry date must be in the future.",
      });
    }
  });
export type CreateTokenFormInput = z.input<typeof createTokenFormSchema>;
export type CreateTokenFormValues = z.output<typeof createTokenFormSchema>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Builds the API request from validated form values; `now` anchors relative expiries. */
export function toCreateTokenRequest(
  values: CreateTokenFormValues,
  now: Date = new Date(),
): CreateTokenRequest {
  let expiresAt: string | null = null;
  if (values.expiry === "custom") {
    expiresAt = endOfLocalDay(values.customDate)?.toISOString() ?? null;
  } else if (values.expiry !== "never") {
    expiresAt = new Date(now.getTime() + Number(values.expiry) * DAY_MS).toISOString();
  }
  return { name: values.name, expiresAt };
}
