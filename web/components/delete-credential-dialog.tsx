"use client";

import { toast } from "sonner";

import { ConfirmDialog } from "@/components/confirm-dialog";
import { useDeleteCredential } from "@/hooks/use-credentials";
import { isApiError } from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import { maskKey, type Credential } from "@/lib/validations/credential";

export interface DeleteCredentialDialogProps {
  /** The key to delete; null keeps the dialog closed. */
  credential: Credential | null;
  onClose: () => void;
}

/** Asks before deleting a key, then deletes it. */
export function DeleteCredentialDialog({ credential, onClose }: DeleteCredentialDialogProps) {
  const remove = useDeleteCredential();

  const confirm = async () => {
    if (!credential) return;
    try {
      await remove.mutateAsync(credential.id);
      toast.success(`Key "${credential.label}" deleted`);
      onClose();
    } catch (err) {
      if (isApiError(err, "not_found")) {
        toast.info("That key was already deleted.");
        onClose();
        return;
      }
      toast.error("Could not delete the key", { description: errorMessage(err) });
    }
  };

  return (
    <ConfirmDialog
      open={credential !== null}
      title="Delete API key?"
      description={
        <>
          Krowoc stops using <span className="font-medium text-foreground">{credential?.label}</span> (
          <code className="font-mono">{credential ? maskKey(credential.last4) : ""}</code>) at once. This cannot be
          undone.
        </>
      }
      confirmLabel="Delete key"
      destructive
      pending={remove.isPending}
      onConfirm={() => void confirm()}
      onCancel={onClose}
    />
  );
}
