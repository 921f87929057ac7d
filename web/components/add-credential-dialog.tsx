"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2Icon } from "lucide-react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useCreateCredential } from "@/hooks/use-credentials";
import { isApiError } from "@/lib/api";
import { applyApiFieldErrors, errorMessage } from "@/lib/forms";
import {
  CREDENTIAL_KEY_MAX,
  CREDENTIAL_LABEL_MAX,
  CREDENTIAL_PROVIDERS,
  createCredentialFormSchema,
  toCreateCredentialRequest,
  type CreateCredentialFormInput,
  type CreateCredentialFormValues,
  type Credential,
} from "@/lib/validations/credential";

const defaultValues: CreateCredentialFormInput = { provider: "openai", label: "", key: "", baseUrl: "" };

export interface AddCredentialDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The workspace the key goes to; the server picks the personal one when absent. */
  workspaceId?: string;
  /** Receives the stored key (without its secret); the dialog is closed by then. */
  onCreated: (credential: Credential) => void;
}

/** Form to store a provider API key: provider, label, the key and, for OpenAI-compatible, a base URL. */
export function AddCredentialDialog({ open, onOpenChange, workspaceId, onCreated }: AddCredentialDialogProps) {
  const create = useCreateCredential();
  const form = useForm<CreateCredentialFormInput, unknown, CreateCredentialFormValues>({
    resolver: zodResolver(createCredentialFormSchema),
    defaultValues,
  });
  const { errors, isSubmitting } = form.formState;
  const provider = useWatch({ control: form.control, name: "provider" });

  const close = (next: boolean) => {
    if (!next) form.reset(defaultValues);
    onOpenChange(next);
  };

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const credential = await create.mutateAsync(toCreateCredentialRequest(values, workspaceId));
      // The key lives no longer than the request: clear the form before anything else.
      form.reset(defaultValues);
      onOpenChange(false);
      onCreated(credential);
    } catch (err) {
      const placed = applyApiFieldErrors(err, form.setError, {
        provider: "provider",
        label: "label",
        key: "key",
        baseUrl: "baseUrl",
      });
      if (placed) return;
      if (isApiError(err, "forbidden")) {
        toast.error("You cannot add keys here", { description: "Only admins and owners manage API keys." });
      } else {
        toast.error("Could not add the key", { description: errorMessage(err) });
      }
    }
  });

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent>
        <form onSubmit={onSubmit} noValidate className="grid gap-5" aria-label="Add API key">
          <DialogHeader>
            <DialogTitle>Add API key</DialogTitle>
            <DialogDescription>
              Krowoc calls the provider with this key. It is encrypted at rest and never shown again.
            </DialogDescription>
          </DialogHeader>
          <FormField id="credential-provider" label="Provider" error={errors.provider?.message}>
            {(aria) => (
              <Select {...aria} {...form.register("provider")}>
                {CREDENTIAL_PROVIDERS.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </Select>
            )}
          </FormField>
          <FormField
            id="credential-label"
            label="Label"
            hint={`A name to tell keys apart, e.g. "Production". Up to ${CREDENTIAL_LABEL_MAX} characters.`}
            error={errors.label?.message}
          >
            {(aria) => <Input autoComplete="off" {...aria} {...form.register("label")} />}
          </FormField>
          <FormField
            id="credential-key"
            label="API key"
            hint={`Paste the key from the provider's console. Up to ${CREDENTIAL_KEY_MAX} characters.`}
            error={errors.key?.message}
          >
            {(aria) => (
              <Input
                type="password"
                autoComplete="off"
                spellCheck={false}
                {...aria}
                {...form.register("key")}
              />
            )}
          </FormField>
          {provider === "openai-compatible" ? (
            <FormField
              id="credential-base-url"
              label="Base URL"
              hint="The API root of the compatible server, e.g. https://llm.example.com/v1."
              error={errors.baseUrl?.message}
            >
              {(aria) => (
                <Input
                  type="url"
                  inputMode="url"
                  autoComplete="off"
                  placeholder="https://"
                  {...aria}
                  {...form.register("baseUrl")}
                />
              )}
            </FormField>
          ) : null}
          <DialogFooter>
            <Button variant="outline" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
              Add key
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
