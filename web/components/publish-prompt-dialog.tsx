"use client";

import { Loader2Icon } from "lucide-react";
import { useId, useState } from "react";
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
import { usePromptAction } from "@/hooks/use-prompts";
import { errorMessage } from "@/lib/forms";
import type { Prompt, Visibility } from "@/lib/validations/prompt";

export interface PublishPromptDialogProps {
  prompt: Prompt;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** Publishes the working draft as the next version, private or public. */
export function PublishPromptDialog({ prompt, open, onOpenChange }: PublishPromptDialogProps) {
  const [visibility, setVisibility] = useState<Visibility>(prompt.visibility);
  const publish = usePromptAction();
  const name = useId();
  const next = prompt.latestVersion + 1;

  const confirm = async () => {
    try {
      const saved = await publish.mutateAsync({ id: prompt.id, action: { kind: "publish", visibility } });
      toast.success(`Published v${saved.publishedVersion ?? next}`);
      onOpenChange(false);
    } catch (err) {
      toast.error("Could not publish", { description: errorMessage(err) });
    }
  };

  const choices: { value: Visibility; label: string; hint: string }[] = [
    { value: "private", label: "Private", hint: "Only members of this workspace can see it." },
    { value: "public", label: "Public", hint: "Anyone with the link can see the published version." },
  ];

  return (
    <Dialog open={open} onOpenChange={(o) => (publish.isPending ? undefined : onOpenChange(o))}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Publish prompt</DialogTitle>
          <DialogDescription>
            This publishes <span className="font-medium text-foreground">v{next}</span>, a snapshot of the current draft
            that cannot change afterwards.
          </DialogDescription>
        </DialogHeader>
        <fieldset className="grid gap-2">
          <legend className="mb-1 text-sm font-medium">Visibility</legend>
          {choices.map((c) => (
            <label key={c.value} className="flex items-start gap-2 rounded-md border p-3 text-sm has-[:checked]:border-primary">
              <input
                type="radio"
                name={name}
                className="mt-0.5 accent-primary"
                checked={visibility === c.value}
                onChange={() => setVisibility(c.value)}
              />
              <span className="grid gap-0.5">
                <span className="font-medium">{c.label}</span>
                <span className="text-muted-foreground">{c.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={publish.isPending}>
            Cancel
          </Button>
          <Button onClick={() => void confirm()} disabled={publish.isPending}>
            {publish.isPending ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
            Publish v{next}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
