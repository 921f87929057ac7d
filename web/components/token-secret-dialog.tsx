"use client";

import { CheckIcon, CopyIcon, TriangleAlertIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export interface TokenSecretDialogProps {
  /** The secret to show; null keeps the dialog closed. */
  secret: string | null;
  tokenName: string;
  /** Called when the user is done; the caller must drop the secret. */
  onClose: () => void;
}

/** Shows a new token's secret the one time the API returns it. */
export function TokenSecretDialog({ secret, tokenName, onClose }: TokenSecretDialogProps) {
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
      toast.success("Token copied to the clipboard");
    } catch {
      toast.error("Could not copy", { description: "Select the token and copy it yourself." });
    }
  };

  const close = () => {
    setCopied(false);
    onClose();
  };

  return (
    <Dialog open={secret !== null} onOpenChange={(open) => (open ? undefined : close())}>
      <DialogContent
        // A stray click must not throw the secret away.
        onInteractOutside={(e) => e.preventDefault()}
      >
        <DialogHeader>
          <DialogTitle>Copy your new token</DialogTitle>
          <DialogDescription>
            Token <span className="font-medium text-foreground">{tokenName}</span> was created.
          </DialogDescription>
        </DialogHeader>
        {secret !== null ? (
          <>
            <Alert variant="warning" role="status">
              <TriangleAlertIcon aria-hidden="true" />
              <AlertDescription>
                This is the only time the token is shown. Store it somewhere safe: it cannot be shown again.
              </AlertDescription>
            </Alert>
            <div className="grid gap-2">
              <Label htmlFor="token-secret">Token</Label>
              <div className="flex gap-2">
                <Input
                  id="token-secret"
                  value={secret}
                  readOnly
                  spellCheck={false}
                  className="font-mono"
                  onFocus={(e) => e.currentTarget.select()}
                  data-testid="token-secret"
                />
                <Button variant="outline" onClick={() => void copy()} aria-label="Copy token">
                  {copied ? <CheckIcon aria-hidden="true" /> : <CopyIcon aria-hidden="true" />}
                  {copied ? "Copied" : "Copy"}
                </Button>
              </div>
            </div>
          </>
        ) : null}
        <DialogFooter>
          <Button onClick={close}>Done</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
