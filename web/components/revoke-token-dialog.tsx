"use client";

import { Loader2Icon } from "lucide-react";
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
import { useRevokeToken } from "@/hooks/use-tokens";
import { isApiError } from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import type { Token } from "@/lib/validations/token";

export interface RevokeTokenDialogProps {
  /** The token to revoke; null keeps the dialog closed. */
  token: Token | null;
  onClose: () => void;
}

/** Asks before revoking a token, then revokes it. */
export function RevokeTokenDialog({ token, onClose }: RevokeTokenDialogProps) {
  const revoke = useRevokeToken();

  const confirm = async () => {
    if (!token) return;
    try {
      await revoke.mutateAsync(token.id);
      toast.success(`Token "${token.name}" revoked`);
      onClose();
    } catch (err) {
      if (isApiError(err, "not_found")) {
        toast.info("That token was already revoked.");
        onClose();
        return;
      }
      toast.error("Could not revoke the token", { description: errorMessage(err) });
    }
  };

  return (
    <Dialog open={token !== null} onOpenChange={(open) => (open || revoke.isPending ? undefined : onClose())}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Revoke token?</DialogTitle>
          <DialogDescription>
            Anything using <span className="font-medium text-foreground">{token?.name}</span> (
            <code className="font-mono">{token?.prefix}…</code>) stops working at once. This cannot be undone.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button variant="outline" onClick={onClose} disabled={revoke.isPending}>
            Cancel
          </Button>
          <Button variant="destructive" onClick={() => void confirm()} disabled={revoke.isPending}>
            {revoke.isPending ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
            Revoke token
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
