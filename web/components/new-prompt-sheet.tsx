"use client";

import { PlusIcon } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";

import { PromptEditorForm } from "@/components/prompt-editor-form";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";

/** The Prompts page's "+ New Prompt" button: the editor in a drawer from the right. */
export function NewPromptSheet({ workspaceId, className }: { workspaceId?: string; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <Button onClick={() => setOpen(true)} className={className}>
        <PlusIcon aria-hidden="true" />
        New Prompt
      </Button>
      <SheetContent side="right" closeLabel="Close editor" className="gap-5 p-6">
        <div className="grid gap-1.5 pr-6">
          <SheetTitle className="text-lg font-semibold">New prompt</SheetTitle>
          <SheetDescription className="text-sm text-muted-foreground">
            Saved as a private draft in this workspace.
          </SheetDescription>
        </div>
        <PromptEditorForm
          mode="create"
          context="prompts"
          workspaceId={workspaceId}
          onCancel={() => setOpen(false)}
          onSaved={(prompt, { another }) => {
            if (!another) setOpen(false);
            toast.success(`Prompt "${prompt.title}" saved`, {
              description: (
                <Link className="underline" href={`/prompts/view/?id=${encodeURIComponent(prompt.id)}`}>
                  Open the prompt
                </Link>
              ),
            });
          }}
        />
      </SheetContent>
    </Sheet>
  );
}
