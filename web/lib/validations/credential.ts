import { z } from "zod";

import type { WorkspaceRole } from "@/lib/validations/me";

/** Providers a workspace can hold a key for, with the label the app shows. */
export const CREDENTIAL_PROVIDERS = [
  { value: "openai", label: "OpenAI" },
  { value: "anthropic", label: "Anthropic" },
  { value: "gemini", label: "Google Gemini" },
  { value: "openai-compatible", label: "OpenAI-compatible" },
] as const;

export const credentialProviderSchema = z.enum(["openai", "anthropic", "gemini", "openai-compatible"]);
export type CredentialProvider = z.infer<typeof credentialProviderSchema>;

/** The display label of a provider ("Google Gemini" for gemini). */
export function providerLabel(provider: CredentialProvider): string {
  return CREDENTIAL_PROVIDERS.find((p) => p.value === provider)?.label ?? provider;
}

/** Longest label the API accepts. */
export const CREDENTIAL_LABEL_MAX = 100;
/** Longest key the API accepts. */
export const CREDENTIAL_KEY_MAX = 500;

/** A provider key as the API lists it; the key itself is never part of it. */
export const credentialSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  provider: credentialProviderSchema,
  label: z.string(),
  baseUrl: z.string(),
  last4: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  verifyStatus: z.enum(["ok", "failed"]).nullable(),
  verifyMessage: z.string().nullable(),
});
export type Credential = z.infer<typeof credentialSchema>;

/** Response of `GET /api/v1/credentials`. */
export const credentialListSchema = z.object({
  items: z.array(credentialSchema),
  total: z.number().int(),
});
export type CredentialList = z.infer<typeof credentialListSchema>;

/** Body of `POST /api/v1/credentials`. */
export interface CreateCredentialRequest {
  workspaceId?: string;
  provider: CredentialProvider;
  label: string;
  key: string;
  baseUrl?: string;
}

/** Body of `PATCH /api/v1/credentials/{id}`. */
export interface UpdateCredentialRequest {
  label: string;
}

/** A key's masked form, e.g. `••••abcd`. */
export function maskKey(last4: string): string {
  return `••••${last4}`;
}

/** Roles that may add, verify, rename and delete keys. */
export function canManageCredentials(role: WorkspaceRole | undefined): boolean {
  return role === "owner" || role === "admin";
}

/** A label: trimmed, 1 to 100 characters (counted as the server does, by code point). */
export const credentialLabelSchema = z
  .string()
  .trim()
  .min(1, "Label is required.")
  .refine((v) => Array.from(v).length <= CREDENTIAL_LABEL_MAX, {
    message: `Label must be at most ${CREDENTIAL_LABEL_MAX} characters.`,
  });

/** Tells whether text is an absolute http or https URL without a user name or password in it. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.hostname !== "" &&
      url.username === "" &&
      url.password === ""
    );
  } catch {
    return false;
  }
}

/** The add-key form. The base URL counts only for an OpenAI-compatible provider. */
export const createCredentialFormSchema = z
  .object({
    provider: credentialProviderSchema,
    label: credentialLabelSchema,
    // Local OpenAI-compatible servers (Ollama, LM Studio) need no key; every
    // other provider does (checked below).
    key: z
      .string()
      .trim()
      .max(CREDENTIAL_KEY_MAX, `API key must be at most ${CREDENTIAL_KEY_MAX} characters.`)
      .refine((v) => !/\s/.test(v), { message: "API key must not contain spaces or line breaks." }),
    baseUrl: z.string().trim(),
  })
  .superRefine((v, ctx) => {
    if (v.provider !== "openai-compatible") {
      if (v.key === "") ctx.addIssue({ code: "custom", path: ["key"], message: "API key is required." });
      return;
    }
    if (v.baseUrl === "") {
      ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "Base URL is required for an OpenAI-compatible provider." });
    } else if (!isHttpUrl(v.baseUrl)) {
      ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "Enter an http:// or https:// URL without a user name or password." });
    }
  });
export type CreateCredentialFormInput = z.input<typeof createCredentialFormSchema>;
export type CreateCredentialFormValues = z.output<typeof createCredentialFormSchema>;

/** Builds the API request from validated form values; the base URL only goes with openai-compatible. */
export function toCreateCredentialRequest(
  values: CreateCredentialFormValues,
  workspaceId?: string,
): CreateCredentialRequest {
  const body: CreateCredentialRequest = { provider: values.provider, label: values.label, key: values.key };
  if (workspaceId) body.workspaceId = workspaceId;
  if (values.provider === "openai-compatible") body.baseUrl = values.baseUrl;
  return body;
}

/** The rename form. */
export const renameCredentialFormSchema = z.object({ label: credentialLabelSchema });
export type RenameCredentialFormInput = z.input<typeof renameCredentialFormSchema>;
export type RenameCredentialFormValues = z.output<typeof renameCredentialFormSchema>;
