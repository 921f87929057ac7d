import { BriefcaseIcon, UserIcon, UsersIcon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import type { Workspace, WorkspaceRole } from "@/lib/validations/me";

const roleLabels: Record<WorkspaceRole, string> = {
  owner: "Owner",
  admin: "Admin",
  editor: "Editor",
  viewer: "Viewer",
};

/** The workspaces the user belongs to, with their role in each. */
export function WorkspaceList({ workspaces }: { workspaces: readonly Workspace[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Workspaces</CardTitle>
        <CardDescription>Everything you create lives in a workspace.</CardDescription>
      </CardHeader>
      <CardContent>
        {workspaces.length === 0 ? (
          <EmptyState
            icon={BriefcaseIcon}
            title="No workspaces yet"
            description="Your personal workspace appears here once it is ready."
          />
        ) : (
          <ul className="divide-y rounded-md border" aria-label="Your workspaces">
            {workspaces.map((ws) => {
              const Icon = ws.kind === "team" ? UsersIcon : UserIcon;
              return (
                <li key={ws.id} className="flex items-center gap-3 px-4 py-3">
                  <Icon className="size-4 text-muted-foreground" aria-hidden="true" />
                  <span className="min-w-0 flex-1 truncate font-medium">{ws.name}</span>
                  <Badge variant="outline">{ws.kind === "team" ? "Team" : "Personal"}</Badge>
                  <Badge variant="secondary">{roleLabels[ws.role]}</Badge>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
