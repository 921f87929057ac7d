"use client";

import { PlusIcon } from "lucide-react";
import { useState } from "react";

import { AddCredentialDialog } from "@/components/add-credential-dialog";
import { CredentialAddedDialog } from "@/components/credential-added-dialog";
import { Button } from "@/components/ui/button";
import type { Credential } from "@/lib/validations/credential";

export interface CredentialCreatorProps {
  workspaceId?: string;
  label?: string;
}

/** The "Add key" button with its two dialogs: the form, then the offer to verify. */
export function CredentialCreator({ workspaceId, label = "Add key" }: CredentialCreatorProps) {
  const [formOpen, setFormOpen] = useState(false);
  const [added, setAdded] = useState<Credential | null>(null);

  return (
    <>
      <Button onClick={() => setFormOpen(true)}>
        <PlusIcon aria-hidden="true" />
        {label}
      </Button>
      <AddCredentialDialog
        open={formOpen}
        onOpenChange={setFormOpen}
        workspaceId={workspaceId}
        onCreated={setAdded}
      />
      <CredentialAddedDialog credential={added} onClose={() => setAdded(null)} />
    </>
  );
}
