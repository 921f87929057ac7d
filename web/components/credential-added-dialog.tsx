"use client";

import { CheckCircle2Icon, Loader2Icon, ShieldCheckIcon } from "lucide-react";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { useVerifyCredentialWithToast } from "@/hooks/use-credentials";
import { maskKey, providerLabel, type Credential } from "@/lib/validations/credential";

export interface CredentialAddedDialogProps {
  /** The key just added; null keeps the dialog closed. */
  credential: Credential | null;
  onClose: () => void;
}

/** Confirms a key was stored and offers to verify it with the provider right away. */
export function CredentialAddedDialog({ credential, onClose }: CredentialAddedDialogProps) {
  const verify = useVerifyCredentialWithToast();
  const [verifying, setVerifying] = useState(false);

  const verifyNow = async () => {
    if (!credential) return;
    setVerifying(true);
    try {
      await verify(credential);
    } finally {
      setVerifying(false);
    }
    onClose();
  };

  return (
    <Dialog open={credential !== null} onOpenChange={(open) => (open || verifying ? undefined : onClose())}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            <CheckCircle2Icon className="size-5 text-emerald-600 dark:text-emerald-400" aria-hidden="true" />
            Key added
          </DialogTitle>
          <DialogDescription>
            <span className="font-medium text-foreground">{credential?.label}</span> (
            {credential ? providerLabel(credential.provider) : ""},{" "}
            <code className="font-mono">{credential ? maskKey(credential.last4) : ""}</code>) is stored encrypted.
            Verify it now to check that the provider accepts it.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button variant="outline" onClick={onClose} disabled={verifying}>
            Later
          </Button>
          <Button onClick={() => void verifyNow()} disabled={verifying}>
            {verifying ? (
              <Loader2Icon className="animate-spin" aria-hidden="true" />
            ) : (
              <ShieldCheckIcon aria-hidden="true" />
            )}
            Verify now
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
