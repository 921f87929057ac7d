"use client";

import { useQueryClient } from "@tanstack/react-query";
import { AlertCircleIcon, CheckCircle2Icon, Loader2Icon, UploadIcon } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";

import { QuotaExceededDialog } from "@/components/quota-exceeded-dialog";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { invalidatePromptData } from "@/hooks/use-prompts";
import { importPrompts, isApiError } from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import { quotaFromError } from "@/lib/quota";
import type { Workspace } from "@/lib/validations/me";
import {
  importItemErrorSchema,
  type ImportItemError,
  type ImportProgress,
  type ImportResult,
  type QuotaProblem,
} from "@/lib/validations/prompt";

/** Largest file the API accepts. */
const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

type Phase =
  | { kind: "form" }
  | { kind: "uploading"; progress: ImportProgress | null }
  | { kind: "done"; result: ImportResult }
  | { kind: "invalid"; items: ImportItemError[]; detail: string }
  | { kind: "failed"; message: string };

export interface ImportPromptsDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Workspaces the user may write to; a picker shows when there are several. */
  workspaces: readonly Workspace[];
  defaultWorkspace?: string;
}

function itemErrorsOf(error: unknown): ImportItemError[] {
  if (!isApiError(error)) return [];
  const items = importItemErrorSchema.array().safeParse(error.extra.items);
  return items.success ? items.data : [];
}

/** Imports an export file, all or nothing, with progress from the server's event stream. */
export function ImportPromptsDialog({ open, onOpenChange, workspaces, defaultWorkspace }: ImportPromptsDialogProps) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState("");
  const [onConflict, setOnConflict] = useState<"skip" | "copy">("skip");
  const [workspace, setWorkspace] = useState(defaultWorkspace ?? workspaces[0]?.id ?? "");
  const [phase, setPhase] = useState<Phase>({ kind: "form" });
  const [quota, setQuota] = useState<QuotaProblem | null>(null);
  const abort = useRef<AbortController | null>(null);
  const conflictName = useId();

  const reset = () => {
    setFile(null);
    setFileError("");
    setPhase({ kind: "form" });
  };

  const close = (next: boolean) => {
    if (next) return onOpenChange(true);
    abort.current?.abort();
    reset();
    onOpenChange(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setFileError("Choose an export file (.json).");
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      setFileError("The file is larger than 32 MiB.");
      return;
    }
    const text = await file.text();
    try {
      JSON.parse(text);
    } catch {
      setFileError("This file is not valid JSON.");
      return;
    }
    setFileError("");
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: "uploading", progress: null });
    try {
      const result = await importPrompts(text, {
        workspace: workspace || undefined,
        onConflict,
        signal: controller.signal,
        onProgress: (progress) => setPhase({ kind: "uploading", progress }),
      });
      setPhase({ kind: "done", result });
      void invalidatePromptData(queryClient);
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") return;
      const q = quotaFromError(err);
      if (q) {
        setQuota(q);
        setPhase({ kind: "form" });
        return;
      }
      if (isApiError(err, "validation_failed")) {
        setPhase({ kind: "invalid", items: itemErrorsOf(err), detail: err.detail });
        return;
      }
      setPhase({ kind: "failed", message: errorMessage(err) });
    } finally {
      abort.current = null;
    }
  };

  const progress = phase.kind === "uploading" ? phase.progress : null;
  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;

  return (
    <>
      <Dialog open={open} onOpenChange={close}>
        <DialogContent className="max-w-xl">
          <DialogHeader>
            <DialogTitle>Import prompts</DialogTitle>
            <DialogDescription>
              Import a Krowoc export file. The import is all or nothing: if any prompt is invalid, none is imported.
            </DialogDescription>
          </DialogHeader>

          {phase.kind === "form" || phase.kind === "uploading" ? (
            <form className="grid gap-5" onSubmit={(e) => void submit(e)} noValidate aria-label="Import prompts">
              <FormField id="import-file" label="Export file" error={fileError} hint="A .json file exported from Krowoc, up to 32 MiB.">
                {(aria) => (
                  <Input
                    type="file"
                    accept=".json,application/json"
                    disabled={phase.kind === "uploading"}
                    onChange={(e) => {
                      setFile(e.target.files?.[0] ?? null);
                      setFileError("");
                    }}
                    {...aria}
                  />
                )}
              </FormField>
              <fieldset className="grid gap-2" disabled={phase.kind === "uploading"}>
                <legend className="mb-1 text-sm font-medium">When a prompt with the same title exists</legend>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name={conflictName}
                    className="accent-primary"
                    checked={onConflict === "skip"}
                    onChange={() => setOnConflict("skip")}
                  />
                  Skip it (keep the existing prompt)
                </label>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name={conflictName}
                    className="accent-primary"
                    checked={onConflict === "copy"}
                    onChange={() => setOnConflict("copy")}
                  />
                  Import it as a copy
                </label>
              </fieldset>
              {workspaces.length > 1 ? (
                <div className="grid gap-2">
                  <Label htmlFor="import-workspace">Import into</Label>
                  <Select
                    id="import-workspace"
                    value={workspace}
                    onChange={(e) => setWorkspace(e.target.value)}
                    disabled={phase.kind === "uploading"}
                  >
                    {workspaces.map((w) => (
                      <option key={w.id} value={w.id}>
                        {w.name}
                      </option>
                    ))}
                  </Select>
                </div>
              ) : null}
              {phase.kind === "uploading" ? (
                <div className="grid gap-1.5" aria-live="polite">
                  <div className="flex justify-between text-sm">
                    <span>
                      {progress === null
                        ? "Uploading…"
                        : progress.phase === "validating"
                          ? "Checking prompts…"
                          : "Importing prompts…"}
                    </span>
                    {progress ? (
                      <span className="tabular-nums text-muted-foreground">
                        {progress.done} / {progress.total}
                      </span>
                    ) : null}
                  </div>
                  <div
                    role="progressbar"
                    aria-label="Import progress"
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={pct}
                    className="h-2 overflow-hidden rounded-full bg-muted"
                  >
                    <div className="h-full bg-primary transition-all" style={{ width: `${pct}%` }} />
                  </div>
                </div>
              ) : null}
              <DialogFooter>
                <Button variant="outline" onClick={() => close(false)}>
                  Cancel
                </Button>
                <Button type="submit" disabled={phase.kind === "uploading"}>
                  {phase.kind === "uploading" ? (
                    <Loader2Icon className="animate-spin" aria-hidden="true" />
                  ) : (
                    <UploadIcon aria-hidden="true" />
                  )}
                  Import
                </Button>
              </DialogFooter>
            </form>
          ) : null}

          {phase.kind === "done" ? (
            <div className="grid gap-4" data-testid="import-report">
              <Alert>
                <CheckCircle2Icon aria-hidden="true" />
                <AlertTitle>
                  Imported {phase.result.created.length} {phase.result.created.length === 1 ? "prompt" : "prompts"}
                  {phase.result.skipped.length > 0 ? `, skipped ${phase.result.skipped.length}` : ""}
                </AlertTitle>
              </Alert>
              {phase.result.skipped.length > 0 ? (
                <div className="grid gap-1 text-sm">
                  <p className="font-medium">Skipped</p>
                  <ul className="list-disc pl-5 text-muted-foreground">
                    {phase.result.skipped.map((s) => (
                      <li key={s.index}>
                        {s.title} — {s.reason}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <DialogFooter>
                <Button variant="outline" onClick={reset}>
                  Import another file
                </Button>
                <Button onClick={() => close(false)}>Done</Button>
              </DialogFooter>
            </div>
          ) : null}

          {phase.kind === "invalid" ? (
            <div className="grid gap-4">
              <Alert variant="destructive">
                <AlertCircleIcon aria-hidden="true" />
                <AlertTitle>Nothing was imported</AlertTitle>
                <AlertDescription>{phase.detail} Fix the file and try again.</AlertDescription>
              </Alert>
              {phase.items.length > 0 ? (
                <ul className="grid max-h-72 gap-2 overflow-y-auto text-sm" aria-label="Invalid prompts">
                  {phase.items.map((item) => (
                    <li key={item.index} className="rounded-md border p-3">
                      <p className="font-medium">
                        Item {item.index + 1}
                        {item.title ? `: ${item.title}` : ""}
                      </p>
                      <ul className="mt-1 list-disc pl-5 text-muted-foreground">
                        {item.errors.map((fe, i) => (
                          <li key={i}>
                            <code className="font-mono">{fe.field}</code>: {fe.message}
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              ) : null}
              <DialogFooter>
                <Button variant="outline" onClick={reset}>
                  Choose another file
                </Button>
              </DialogFooter>
            </div>
          ) : null}

          {phase.kind === "failed" ? (
            <div className="grid gap-4">
              <Alert variant="destructive">
                <AlertCircleIcon aria-hidden="true" />
                <AlertTitle>Import failed</AlertTitle>
                <AlertDescription>{phase.message}</AlertDescription>
              </Alert>
              <DialogFooter>
                <Button variant="outline" onClick={reset}>
                  Try again
                </Button>
              </DialogFooter>
            </div>
          ) : null}
        </DialogContent>
      </Dialog>
      <QuotaExceededDialog quota={quota} onClose={() => setQuota(null)} />
    </>
  );
}
