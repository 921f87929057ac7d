"use client";

import { PlusIcon } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";

import { PromptEditorForm } from "@/components/prompt-editor-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";

/** Home's "New prompt" button: the editor in a modal, then a toast linking to the prompt. */
export function NewPromptDialog({ workspaceId, disabled }: { workspaceId?: string; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button onClick={() => setOpen(true)} disabled={disabled}>
        <PlusIcon aria-hidden="true" />
        New prompt
      </Button>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>New prompt</DialogTitle>
          <DialogDescription>It starts as a private draft; publish it when it is ready.</DialogDescription>
        </DialogHeader>
        <PromptEditorForm
          mode="create"
          context="home"
          workspaceId={workspaceId}
          onCancel={() => setOpen(false)}
          onSaved={(prompt) => {
            setOpen(false);
            toast.success(`Prompt "${prompt.title}" created`, {
              description: (
                <Link className="underline" href={`/prompts/view/?id=${encodeURIComponent(prompt.id)}`}>
                  Open the prompt
                </Link>
              ),
            });
          }}
        />
      </DialogContent>
    </Dialog>
  );
}
