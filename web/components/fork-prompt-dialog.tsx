"use client";

import { Loader2Icon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { toast } from "sonner";

import { QuotaExceededDialog } from "@/components/quota-exceeded-dialog";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Select } from "@/components/ui/select";
import { useForkPrompt } from "@/hooks/use-leaderboard";
import { useMe } from "@/hooks/use-me";
import { errorMessage } from "@/lib/forms";
import { quotaFromError } from "@/lib/quota";
import { canWrite, personalWorkspace } from "@/lib/validations/me";
import type { QuotaProblem } from "@/lib/validations/prompt";

export interface ForkPromptDialogProps {
  /** The public prompt to fork; null keeps the dialog closed. */
  prompt: { id: string; title: string; version: number } | null;
  onClose: () => void;
}

/** Copies a public prompt's published version into a workspace of yours as a new draft, then opens it. */
export function ForkPromptDialog({ prompt, onClose }: ForkPromptDialogProps) {
  const me = useMe();
  const fork = useForkPrompt();
  const router = useRouter();
  const selectId = useId();
  const [choice, setChoice] = useState<string>("");
  const [quota, setQuota] = useState<QuotaProblem | null>(null);

  const writable = (me.data?.workspaces ?? []).filter((w) => canWrite(w.role));
  const workspaceId = choice || personalWorkspace(writable)?.id || "";

  const confirm = async () => {
    if (!prompt) return;
    try {
      const created = await fork.mutateAsync({ promptId: prompt.id, workspaceId: workspaceId || undefined });
      toast.success(`Forked "${prompt.title}"`, { description: "It is a private draft in your library." });
      onClose();
      router.push(`/prompts/view/?id=${encodeURIComponent(created.id)}`);
    } catch (err) {
      const q = quotaFromError(err);
      if (q) {
        onClose();
        setQuota(q);
      } else {
        toast.error("Could not fork the prompt", { description: errorMessage(err) });
      }
    }
  };

  return (
    <>
      <Dialog open={prompt !== null} onOpenChange={(open) => (open || fork.isPending ? undefined : onClose())}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Fork prompt</DialogTitle>
            <DialogDescription>
              Copies v{prompt?.version} of <span className="font-medium text-foreground">{prompt?.title}</span> into your
              library as a private draft that remembers where it came from. It counts toward your prompts.
            </DialogDescription>
          </DialogHeader>
          {writable.length > 1 ? (
            <div className="grid gap-2">
              <label htmlFor={selectId} className="text-sm font-medium">
                Workspace
              </label>
              <Select id={selectId} value={workspaceId} onChange={(e) => setChoice(e.target.value)}>
                {writable.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
          <DialogFooter>
            <Button variant="outline" onClick={onClose} disabled={fork.isPending}>
              Cancel
            </Button>
            <Button onClick={() => void confirm()} disabled={fork.isPending || me.isPending}>
              {fork.isPending ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
              Fork into my library
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
      <QuotaExceededDialog quota={quota} onClose={() => setQuota(null)} />
    </>
  );
}
