"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2Icon } from "lucide-react";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
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
import { useRenameCredential } from "@/hooks/use-credentials";
import { isApiError } from "@/lib/api";
import { applyApiFieldErrors, errorMessage } from "@/lib/forms";
import {
  CREDENTIAL_LABEL_MAX,
  maskKey,
  renameCredentialFormSchema,
  type Credential,
  type RenameCredentialFormInput,
  type RenameCredentialFormValues,
} from "@/lib/validations/credential";

export interface RenameCredentialDialogProps {
  /** The key to rename; null keeps the dialog closed. */
  credential: Credential | null;
  onClose: () => void;
}

/** Changes the label of a key. */
export function RenameCredentialDialog({ credential, onClose }: RenameCredentialDialogProps) {
  const rename = useRenameCredential();
  const form = useForm<RenameCredentialFormInput, unknown, RenameCredentialFormValues>({
    resolver: zodResolver(renameCredentialFormSchema),
    defaultValues: { label: "" },
  });
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    if (credential) form.reset({ label: credential.label });
  }, [credential, form]);

  const onSubmit = form.handleSubmit(async (values) => {
    if (!credential) return;
    try {
      const updated = await rename.mutateAsync({ id: credential.id, label: values.label });
      toast.success(`Key renamed to "${updated.label}"`);
      onClose();
    } catch (err) {
      if (applyApiFieldErrors(err, form.setError, { label: "label" })) return;
      if (isApiError(err, "not_found")) {
        toast.info("That key was already deleted.");
        onClose();
        return;
      }
      toast.error("Could not rename the key", { description: errorMessage(err) });
    }
  });

  return (
    <Dialog open={credential !== null} onOpenChange={(open) => (open || isSubmitting ? undefined : onClose())}>
      <DialogContent>
        <form onSubmit={onSubmit} noValidate className="grid gap-5" aria-label="Rename API key">
          <DialogHeader>
            <DialogTitle>Rename API key</DialogTitle>
            <DialogDescription>
              The key <code className="font-mono">{credential ? maskKey(credential.last4) : ""}</code> stays the
              same; only its label changes.
            </DialogDescription>
          </DialogHeader>
          <FormField
            id="credential-rename-label"
            label="Label"
            hint={`Up to ${CREDENTIAL_LABEL_MAX} characters.`}
            error={errors.label?.message}
          >
            {(aria) => <Input autoComplete="off" {...aria} {...form.register("label")} />}
          </FormField>
          <DialogFooter>
            <Button variant="outline" onClick={onClose} disabled={isSubmitting}>
              Cancel
            </Button>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
              Save
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
