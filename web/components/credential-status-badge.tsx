import { CheckIcon, CircleDashedIcon, XIcon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/lib/format";
import type { Credential } from "@/lib/validations/credential";

export interface CredentialStatusBadgeProps {
  credential: Pick<Credential, "verifiedAt" | "verifyStatus" | "verifyMessage">;
}

/** Whether a key was verified: Verified with the time, Failed with the provider's message, or Not verified. */
export function CredentialStatusBadge({ credential }: CredentialStatusBadgeProps) {
  const { verifiedAt, verifyStatus, verifyMessage } = credential;
  if (verifyStatus === "ok") {
    return (
      <div className="grid justify-items-start gap-1">
        <Badge variant="success" className="gap-1">
          Verified
          <CheckIcon className="size-3" aria-hidden="true" />
        </Badge>
        {verifiedAt ? (
          <time dateTime={verifiedAt} className="text-xs text-muted-foreground">
            {formatDateTime(verifiedAt)}
          </time>
        ) : null}
      </div>
    );
  }
  if (verifyStatus === "failed") {
    return (
      <div className="grid min-w-36 max-w-64 justify-items-start gap-1">
        <Badge variant="destructive" className="gap-1">
          <XIcon className="size-3" aria-hidden="true" />
          Failed
        </Badge>
        <span className="text-xs break-words text-destructive">
          {verifyMessage || "The provider rejected the key."}
        </span>
        {verifiedAt ? (
          <time dateTime={verifiedAt} className="text-xs text-muted-foreground">
            {formatDateTime(verifiedAt)}
          </time>
        ) : null}
      </div>
    );
  }
  return (
    <Badge variant="outline" className="gap-1 text-muted-foreground">
      <CircleDashedIcon className="size-3" aria-hidden="true" />
      Not verified
    </Badge>
  );
}
