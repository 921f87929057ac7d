import { Trash2Icon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDate, formatDateTime } from "@/lib/format";
import type { Token } from "@/lib/validations/token";

export interface TokenTableProps {
  tokens: readonly Token[];
  onRevoke: (token: Token) => void;
}

/** The user's tokens: name, prefix, creation, expiry and last use. */
export function TokenTable({ tokens, onRevoke }: TokenTableProps) {
  return (
    <div className="overflow-x-auto rounded-md border">
      <table className="w-full text-sm">
        <caption className="sr-only">Personal access tokens</caption>
        <thead className="bg-muted/50 text-left text-xs uppercase tracking-wide text-muted-foreground">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">Name</th>
            <th scope="col" className="px-4 py-2 font-medium">Token</th>
            <th scope="col" className="px-4 py-2 font-medium">Created</th>
            <th scope="col" className="px-4 py-2 font-medium">Expires</th>
            <th scope="col" className="px-4 py-2 font-medium">Last used</th>
            <th scope="col" className="px-4 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {tokens.map((t) => (
            <tr key={t.id} data-testid="token-row">
              <th scope="row" className="max-w-48 truncate px-4 py-3 text-left font-medium">
                {t.name}
              </th>
              <td className="px-4 py-3">
                <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">{t.prefix}…</code>
              </td>
              <td className="whitespace-nowrap px-4 py-3">{formatDate(t.createdAt)}</td>
              <td className="whitespace-nowrap px-4 py-3">
                {t.expired ? (
                  <Badge variant="destructive">Expired {formatDate(t.expiresAt, "")}</Badge>
                ) : (
                  formatDate(t.expiresAt, "Never")
                )}
              </td>
              <td className="whitespace-nowrap px-4 py-3">{formatDateTime(t.lastUsedAt, "Never")}</td>
              <td className="px-4 py-3 text-right">
                <Button variant="ghost" size="sm" onClick={() => onRevoke(t)} aria-label={`Revoke token ${t.name}`}>
                  <Trash2Icon aria-hidden="true" />
                  <span className="hidden sm:inline">Revoke</span>
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
