import { GlobeIcon, LockIcon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import type { PromptStatus, Visibility } from "@/lib/validations/prompt";

const statusLabels: Record<PromptStatus, string> = { draft: "Draft", published: "Published", archived: "Archived" };

/** The lifecycle status of a prompt as a badge. */
export function PromptStatusBadge({ status }: { status: PromptStatus }) {
  const variant = status === "published" ? "success" : status === "archived" ? "outline" : "secondary";
  return (
    <Badge variant={variant} data-testid="prompt-status">
      {statusLabels[status]}
    </Badge>
  );
}

/** Private or public, with an icon. */
export function VisibilityBadge({ visibility }: { visibility: Visibility }) {
  const Icon = visibility === "public" ? GlobeIcon : LockIcon;
  return (
    <Badge variant="outline" className="gap-1" data-testid="prompt-visibility">
      <Icon className="size-3" aria-hidden="true" />
      {visibility === "public" ? "Public" : "Private"}
    </Badge>
  );
}
