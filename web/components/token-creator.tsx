"use client";

import { PlusIcon } from "lucide-react";
import { useState } from "react";

import { CreateTokenDialog } from "@/components/create-token-dialog";
import { TokenSecretDialog } from "@/components/token-secret-dialog";
import { Button } from "@/components/ui/button";
import type { CreateTokenResponse } from "@/lib/validations/token";

/**
 * The "Create token" button with its two dialogs: the form, then the secret.
 * The secret lives only in this component's state until the user closes it.
 */
export function TokenCreator({ label = "Create token" }: { label?: string }) {
  const [formOpen, setFormOpen] = useState(false);
  const [created, setCreated] = useState<CreateTokenResponse | null>(null);

  return (
    <>
      <Button onClick={() => setFormOpen(true)}>
        <PlusIcon aria-hidden="true" />
        {label}
      </Button>
      <CreateTokenDialog open={formOpen} onOpenChange={setFormOpen} onCreated={setCreated} />
      <TokenSecretDialog
        secret={created?.secret ?? null}
        tokenName={created?.token.name ?? ""}
        onClose={() => setCreated(null)}
      />
    </>
  );
}
