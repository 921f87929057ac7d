"use client";

import { InfoIcon, KeySquareIcon } from "lucide-react";
import { useState } from "react";

import { CredentialCreator } from "@/components/credential-creator";
import { CredentialTable } from "@/components/credential-table";
import { DeleteCredentialDialog } from "@/components/delete-credential-dialog";
import { QueryError } from "@/components/query-error";
import { RenameCredentialDialog } from "@/components/rename-credential-dialog";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import {
  useCredentials,
  useVerifyCredentialWithToast,
  useVerifyingCredentialIds,
} from "@/hooks/use-credentials";
import { useMe } from "@/hooks/use-me";
import { isApiError } from "@/lib/api";
import { canManageCredentials, type Credential } from "@/lib/validations/credential";
import { personalWorkspace, type Workspace } from "@/lib/validations/me";

const BYOK_EXPLANATION =
  "Krowoc calls providers with your own keys; keys are encrypted at rest and never shown again.";

function CredentialListSkeleton() {
  return (
    <div role="status" aria-label="Loading API keys" className="grid gap-2">
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} className="h-12 w-full" />
      ))}
    </div>
  );
}

function ReadOnlyNote() {
  return (
    <Alert>
      <InfoIcon aria-hidden="true" />
      <AlertTitle>Read-only</AlertTitle>
      <AlertDescription>
        <p>Only admins and owners manage keys.</p>
      </AlertDescription>
    </Alert>
  );
}

const roleLabel: Record<Workspace["role"], string> = {
  owner: "owner",
  admin: "admin",
  editor: "editor",
  viewer: "viewer",
};

/**
 * The API keys page: the provider keys of a workspace (the personal one unless
 * another is picked). Admins and owners add, verify, rename and delete keys;
 * everyone else sees the list read-only, or only a note when they may not list.
 */
export function CredentialSettings() {
  const me = useMe();
  const [pickedId, setPickedId] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<Credential | null>(null);
  const [deleting, setDeleting] = useState<Credential | null>(null);

  const workspaces = me.data?.workspaces ?? [];
  const current = workspaces.find((w) => w.id === pickedId) ?? personalWorkspace(workspaces);
  const canManage = canManageCredentials(current?.role);

  const credentials = useCredentials(current?.id, me.isSuccess);
  const verify = useVerifyCredentialWithToast();
  const verifying = useVerifyingCredentialIds();

  if (me.isPending) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>API keys</CardTitle>
        </CardHeader>
        <CardContent>
          <CredentialListSkeleton />
        </CardContent>
      </Card>
    );
  }
  if (me.isError) {
    return (
      <QueryError
        title="Could not load your workspaces"
        error={me.error}
        onRetry={() => void me.refetch()}
        retrying={me.isFetching}
      />
    );
  }

  const forbidden = credentials.isError && isApiError(credentials.error, "forbidden");

  let body;
  if (forbidden) {
    body = null;
  } else if (credentials.isPending) {
    body = <CredentialListSkeleton />;
  } else if (credentials.isError) {
    body = (
      <QueryError
        title="Could not load the API keys"
        error={credentials.error}
        onRetry={() => void credentials.refetch()}
        retrying={credentials.isFetching}
      />
    );
  } else if (credentials.data.items.length === 0) {
    body = (
      <EmptyState
        icon={KeySquareIcon}
        title="No API keys yet"
        description={BYOK_EXPLANATION}
        action={canManage ? <CredentialCreator workspaceId={current?.id} label="Add your first key" /> : undefined}
      />
    );
  } else {
    body = (
      <CredentialTable
        credentials={credentials.data.items}
        canManage={canManage}
        verifying={verifying}
        onVerify={(c) => void verify(c)}
        onRename={setRenaming}
        onDelete={setDeleting}
      />
    );
  }

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
        <div className="grid max-w-prose gap-1.5">
          <CardTitle>API keys</CardTitle>
          <CardDescription>
            Bring your own key: the provider keys Krowoc uses to call models for this workspace.
          </CardDescription>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          {workspaces.length > 1 ? (
            <div className="grid gap-1.5">
              <Label htmlFor="credential-workspace">Workspace</Label>
              <Select
                id="credential-workspace"
                className="w-56"
                value={current?.id ?? ""}
                onChange={(e) => setPickedId(e.target.value)}
              >
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name} ({roleLabel[w.role]})
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
          {canManage && !forbidden ? <CredentialCreator workspaceId={current?.id} /> : null}
        </div>
      </CardHeader>
      <CardContent className="grid gap-4" aria-busy={credentials.isFetching}>
        {!canManage || forbidden ? <ReadOnlyNote /> : null}
        {body}
      </CardContent>
      <RenameCredentialDialog credential={renaming} onClose={() => setRenaming(null)} />
      <DeleteCredentialDialog credential={deleting} onClose={() => setDeleting(null)} />
    </Card>
  );
}
