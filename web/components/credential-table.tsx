import { Loader2Icon, PencilIcon, ShieldCheckIcon, Trash2Icon } from "lucide-react";

import { CredentialStatusBadge } from "@/components/credential-status-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDate, formatDateTime } from "@/lib/format";
import { maskKey, providerLabel, type Credential } from "@/lib/validations/credential";

export interface CredentialTableProps {
  credentials: readonly Credential[];
  /** Whether the row actions show; editors see the list read-only. */
  canManage: boolean;
  /** Ids of keys being verified: their Verify button spins. */
  verifying?: ReadonlySet<string>;
  onVerify?: (credential: Credential) => void;
  onRename?: (credential: Credential) => void;
  onDelete?: (credential: Credential) => void;
}

/**
 * A workspace's provider keys: label, provider (with the base URL of an
 * OpenAI-compatible server), masked key, dates and verification.
 */
export function CredentialTable({
  credentials,
  canManage,
  verifying = new Set<string>(),
  onVerify,
  onRename,
  onDelete,
}: CredentialTableProps) {
  return (
    <div className="overflow-x-auto rounded-md border">
      <table className="w-full text-sm">
        <caption className="sr-only">Provider API keys</caption>
        <thead className="bg-muted/50 text-left text-xs uppercase tracking-wide text-muted-foreground">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">Label</th>
            <th scope="col" className="px-4 py-2 font-medium">Provider</th>
            <th scope="col" className="px-4 py-2 font-medium">Key</th>
            <th scope="col" className="px-4 py-2 font-medium">Created</th>
            <th scope="col" className="whitespace-nowrap px-4 py-2 font-medium">Last used</th>
            <th scope="col" className="px-4 py-2 font-medium">Status</th>
            {canManage ? (
              <th scope="col" className="px-4 py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y">
          {credentials.map((c) => {
            const busy = verifying.has(c.id);
            return (
              <tr key={c.id} data-testid="credential-row" className="align-top">
                <th scope="row" className="max-w-48 truncate px-4 py-3 text-left font-medium">
                  {c.label}
                </th>
                <td className="px-4 py-3">
                  <div className="grid justify-items-start gap-1">
                    <Badge variant="secondary">{providerLabel(c.provider)}</Badge>
                    {c.baseUrl ? (
                      <code className="block max-w-48 truncate font-mono text-xs text-muted-foreground" title={c.baseUrl}>
                        <span className="sr-only">Base URL </span>
                        {c.baseUrl}
                      </code>
                    ) : null}
                  </div>
                </td>
                <td className="whitespace-nowrap px-4 py-3">
                  <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs" aria-label={`Key ending in ${c.last4}`}>
                    {maskKey(c.last4)}
                  </code>
                </td>
                <td className="whitespace-nowrap px-4 py-3">{formatDate(c.createdAt)}</td>
                <td className="whitespace-nowrap px-4 py-3">{formatDateTime(c.lastUsedAt, "Never")}</td>
                <td className="px-4 py-3" aria-live="polite" data-testid="credential-status">
                  <CredentialStatusBadge credential={c} />
                </td>
                {canManage ? (
                  <td className="py-2.5 pl-2 pr-3">
                    <div className="flex justify-end gap-1">
                      <Button
                        variant="ghost"
                        size="icon"
                        className="size-8"
                        onClick={() => onVerify?.(c)}
                        disabled={busy}
                        aria-busy={busy}
                        aria-label={`Verify key ${c.label}`}
                        title={busy ? "Verifying…" : "Verify"}
                      >
                        {busy ? (
                          <Loader2Icon className="animate-spin" aria-hidden="true" />
                        ) : (
                          <ShieldCheckIcon aria-hidden="true" />
                        )}
                      </Button>
                      <Button
                        variant="ghost"
                        size="icon"
                        className="size-8"
                        onClick={() => onRename?.(c)}
                        aria-label={`Rename key ${c.label}`}
                        title="Rename"
                      >
                        <PencilIcon aria-hidden="true" />
                      </Button>
                      <Button
                        variant="ghost"
                        size="icon"
                        className="size-8 text-destructive hover:text-destructive"
                        onClick={() => onDelete?.(c)}
                        aria-label={`Delete key ${c.label}`}
                        title="Delete"
                      >
                        <Trash2Icon aria-hidden="true" />
                      </Button>
                    </div>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
