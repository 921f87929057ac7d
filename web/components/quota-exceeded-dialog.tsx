"use client";

import { SparklesIcon } from "lucide-react";
import Link from "next/link";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { formatNumber } from "@/lib/format";
import type { QuotaProblem } from "@/lib/validations/prompt";

export interface QuotaExceededDialogProps {
  /** The refused request's quota; null keeps the dialog closed. */
  quota: QuotaProblem | null;
  onClose: () => void;
}

/** Explains that the prompt limit is reached, and how to get more. */
export function QuotaExceededDialog({ quota, onClose }: QuotaExceededDialogProps) {
  return (
    <Dialog open={quota !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Prompt limit reached</DialogTitle>
          <DialogDescription>
            You have {formatNumber(quota?.count ?? 0)} of {formatNumber(quota?.limit ?? 0)} prompts
            {quota?.requested && quota.requested > 1 ? ` and tried to add ${formatNumber(quota.requested)} more` : ""}.
          </DialogDescription>
        </DialogHeader>
        <div className="grid gap-2 text-sm">
          <p>
            The Free tier holds up to {formatNumber(quota?.limit ?? 0)} prompts. Prompts in the trash do not count: delete
            some forever to make room, or upgrade to Power or Team for unlimited prompts.
          </p>
          <p className="text-muted-foreground">Nothing was saved.</p>
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>
            Close
          </Button>
          <Button asChild>
            <Link href="/upgrade/" onClick={onClose}>
              <SparklesIcon aria-hidden="true" />
              Upgrade
            </Link>
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
