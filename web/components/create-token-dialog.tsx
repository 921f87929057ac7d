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
import { useCreateToken } from "@/hooks/use-tokens";
import { applyApiFieldErrors, errorMessage } from "@/lib/forms";
import {
  createTokenFormSchema,
  toCreateTokenRequest,
  TOKEN_EXPIRY_CHOICES,
  TOKEN_NAME_MAX,
  type CreateTokenFormInput,
  type CreateTokenFormValues,
  type CreateTokenResponse,
} from "@/lib/validations/token";

const defaultValues: CreateTokenFormInput = { name: "", expiry: "30", customDate: "" };

function localDateString(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export interface CreateTokenDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Receives the created token and its secret; the dialog is closed by then. */
  onCreated: (result: CreateTokenResponse) => void;
}

/** Form to create a personal access token: a name and an optional expiry. */
export function CreateTokenDialog({ open, onOpenChange, onCreated }: CreateTokenDialogProps) {
  const createToken = useCreateToken();
  const form = useForm<CreateTokenFormInput, unknown, CreateTokenFormValues>({
    resolver: zodResolver(createTokenFormSchema),
    defaultValues,
  });
  const { errors, isSubmitting } = form.formState;
  const expiry = useWatch({ control: form.control, name: "expiry" });

  const close = (next: boolean) => {
    if (!next) form.reset(defaultValues);
    onOpenChange(next);
  };

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const result = await createToken.mutateAsync(toCreateTokenRequest(values));
      form.reset(defaultValues);
      onOpenChange(false);
      onCreated(result);
    } catch (err) {
      const placed = applyApiFieldErrors(err, form.setError, {
        name: "name",
        expiresAt: values.expiry === "custom" ? "customDate" : "expiry",
      });
      if (!placed) toast.error("Could not create the token", { description: errorMessage(err) });
    }
  });

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent>
        <form onSubmit={onSubmit} noValidate className="grid gap-5" aria-label="Create token">
          <DialogHeader>
            <DialogTitle>Create access token</DialogTitle>
            <DialogDescription>
              Scripts, apps and the browser clipper use a token to call the API as you.
            </DialogDescription>
          </DialogHeader>
          <FormField
            id="token-name"
            label="Name"
            hint={`What uses this token, e.g. "CLI on laptop". Up to ${TOKEN_NAME_MAX} characters.`}
            error={errors.name?.message}
          >
            {(aria) => <Input autoComplete="off" {...aria} {...form.register("name")} />}
          </FormField>
          <FormField id="token-expiry" label="Expires" error={errors.expiry?.message}>
            {(aria) => (
              <Select {...aria} {...form.register("expiry")}>
                {TOKEN_EXPIRY_CHOICES.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </Select>
            )}
          </FormField>
          {expiry === "custom" ? (
            <FormField id="token-expiry-date" label="Expiry date" error={errors.customDate?.message}>
              {(aria) => (
                <Input type="date" min={localDateString(new Date())} {...aria} {...form.register("customDate")} />
              )}
            </FormField>
          ) : null}
          <DialogFooter>
            <Button variant="outline" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
              Create token
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
