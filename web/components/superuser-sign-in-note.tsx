import { LogInIcon, RotateCwIcon, ShieldIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export interface SuperuserSignInNoteProps {
  /** Why the console cannot show the queues (the server's message), if it said. */
  reason?: string;
  onReload: () => void;
}

/** What the jobs console shows without a superuser session: where to sign in, and a way to look again. */
export function SuperuserSignInNote({ reason, onReload }: SuperuserSignInNoteProps) {
  return (
    <Card className="mx-auto w-full max-w-lg">
      <CardHeader>
        <div className="mb-2 flex size-10 items-center justify-center rounded-full bg-muted">
          <ShieldIcon className="size-5 text-muted-foreground" aria-hidden="true" />
        </div>
        <CardTitle>Sign in to the admin UI first</CardTitle>
        <CardDescription>
          The jobs console is for superusers. It uses the session of the admin UI in this browser: sign in there, then
          come back and reload.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {reason ? <p className="text-sm text-muted-foreground">{reason}</p> : null}
        <div className="flex flex-wrap gap-2">
          <Button asChild>
            <a href="/_/">
              <LogInIcon aria-hidden="true" />
              Open the admin UI
            </a>
          </Button>
          <Button variant="outline" onClick={onReload}>
            <RotateCwIcon aria-hidden="true" />
            Reload
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
