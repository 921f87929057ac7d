"use client";

import { AlertCircleIcon, Loader2Icon, PlayIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";

import { pickerGroups } from "@/components/model-picker";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useCreateBatch } from "@/hooks/use-batches";
import { useModels } from "@/hooks/use-prompts";
import { isApiError } from "@/lib/api";
import { readBatchFile, type BatchFilePreview } from "@/lib/batch-file";
import { errorMessage } from "@/lib/forms";
import { BATCH_MAX_BYTES, BATCH_MAX_MODELS, invalidRowsSchema, type RowError } from "@/lib/validations/batch";
import type { Prompt } from "@/lib/validations/prompt";

export interface BatchRunDialogProps {
  prompt: Prompt;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

interface Refusal {
  detail: string;
  rows: RowError[];
  invalidRows: number;
}

/**
 * Runs a prompt as a batch: upload a CSV (header row = variables) or JSON
 * rows, see the columns and row count, pick up to four models and start;
 * the server checks every row before anything runs, and the batch page
 * shows its progress.
 */
export function BatchRunDialog({ prompt, open, onOpenChange }: BatchRunDialogProps) {
  const router = useRouter();
  const catalog = useModels(prompt.workspaceId);
  const create = useCreateBatch(prompt.id);
  const [preview, setPreview] = useState<BatchFilePreview | null>(null);
  const [fileError, setFileError] = useState("");
  const [models, setModels] = useState<string[]>(() => (prompt.defaultModel ? [prompt.defaultModel] : []));
  const [modelsError, setModelsError] = useState("");
  const [version, setVersion] = useState(prompt.publishedVersion !== null ? String(prompt.publishedVersion) : "draft");
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [failure, setFailure] = useState("");

  const groups = useMemo(
    () => (catalog.data ? pickerGroups(catalog.data, prompt.modelWhitelist, prompt.defaultModel ? [prompt.defaultModel] : []) : []),
    [catalog.data, prompt.modelWhitelist, prompt.defaultModel],
  );

  const versionOptions = useMemo(() => {
    const opts: { value: string; label: string }[] = [];
    for (let v = prompt.latestVersion; v >= 1; v--) {
      opts.push({ value: String(v), label: v === prompt.publishedVersion ? `v${v} (published)` : `v${v}` });
    }
    opts.push({ value: "draft", label: "Working draft" });
    return opts;
  }, [prompt.latestVersion, prompt.publishedVersion]);

  const reset = () => {
    setPreview(null);
    setFileError("");
    setRefusal(null);
    setFailure("");
    setModelsError("");
  };

  const close = (next: boolean) => {
    if (!next) reset();
    onOpenChange(next);
  };

  const pickFile = async (file: File | undefined) => {
    reset();
    if (!file) return;
    if (file.size > BATCH_MAX_BYTES) {
      setFileError("The file is larger than 16 MiB.");
      return;
    }
    const result = readBatchFile(file.name, await file.text(), prompt.variables);
    if (result.ok) setPreview(result.preview);
    else setFileError(result.error);
  };

  const toggle = (id: string, on: boolean) => {
    setModelsError("");
    setModels((cur) => (on ? [...cur.filter((m) => m !== id), id] : cur.filter((m) => m !== id)));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    setFailure("");
    if (!preview) {
      setFileError("Choose a CSV or JSON file of rows.");
      return;
    }
    if (preview.missing.length > 0) return;
    if (models.length === 0) {
      setModelsError("Choose at least one model.");
      return;
    }
    try {
      const batch = await create.mutateAsync({
        models,
        version: version === "draft" ? "draft" : Number(version),
        upload: preview.upload,
      });
      close(false);
      router.push(`/batches/view/?id=${encodeURIComponent(batch.id)}`);
    } catch (err) {
      if (isApiError(err, "invalid_rows")) {
        const extra = invalidRowsSchema.safeParse(err.extra);
        setRefusal({
          detail: err.detail,
          rows: extra.success ? extra.data.rows : [],
          invalidRows: extra.success ? extra.data.invalidRows : 0,
        });
        return;
      }
      setFailure(errorMessage(err));
    }
  };

  const full = models.length >= BATCH_MAX_MODELS;

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Run as batch</DialogTitle>
          <DialogDescription>
            Run this prompt once per row of a CSV (its first row names the variables) or a JSON array of objects, up to
            10,000 rows. Every row is checked before anything runs.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-5" onSubmit={(e) => void submit(e)} noValidate aria-label="Run as batch">
          <FormField
            id="batch-file"
            label="Rows file"
            error={fileError}
            hint={
              prompt.variables.length > 0
                ? `Columns: ${prompt.variables.map((v) => v.name).join(", ")}.`
                : "This prompt has no variables; each row runs it as is."
            }
          >
            {(aria) => (
              <Input
                type="file"
                accept=".csv,text/csv,.json,application/json"
                disabled={create.isPending}
                onChange={(e) => void pickFile(e.target.files?.[0])}
                {...aria}
              />
            )}
          </FormField>

          {preview ? (
            <div className="grid gap-2" data-testid="batch-preview">
              <p className="text-sm" aria-live="polite">
                <span className="font-medium">{preview.rowCount.toLocaleString()}</span>{" "}
                {preview.rowCount === 1 ? "row" : "rows"}, columns{" "}
                <span className="font-mono">{preview.columns.join(", ")}</span>
              </p>
              {preview.missing.length > 0 ? (
                <Alert variant="destructive">
                  <AlertCircleIcon aria-hidden="true" />
                  <AlertTitle>Missing columns</AlertTitle>
                  <AlertDescription>
                    Add a column for {preview.missing.map((m) => `{{${m}}}`).join(", ")}: these variables have no default.
                  </AlertDescription>
                </Alert>
              ) : null}
              <div className="max-h-48 overflow-auto rounded-md border">
                <table className="w-full text-left text-xs" aria-label="First rows">
                  <thead className="bg-muted/50">
                    <tr>
                      <th className="px-2 py-1 font-medium">#</th>
                      {preview.columns.map((c) => (
                        <th key={c} className="px-2 py-1 font-mono font-medium">
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {preview.sample.map((row, i) => (
                      <tr key={i} className="border-t">
                        <td className="px-2 py-1 text-muted-foreground">{i + 1}</td>
                        {preview.columns.map((c) => (
                          <td key={c} className="max-w-48 truncate px-2 py-1">
                            {row[c] ?? ""}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ) : null}

          <fieldset className="grid gap-2" disabled={create.isPending} aria-describedby="batch-models-error">
            <legend className="mb-1 text-sm font-medium">
              Models <span className="font-normal text-muted-foreground">(1–{BATCH_MAX_MODELS}; each row runs on each)</span>
            </legend>
            <div className="grid gap-3 sm:grid-cols-2">
              {groups.map((g) => (
                <div key={g.provider} role="group" aria-label={g.name} className="grid content-start gap-1.5">
                  <p className="text-xs font-medium text-muted-foreground">{g.name}</p>
                  {g.models.map((m) => {
                    const checked = models.includes(m.id);
                    const cid = `batch-model-${m.id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
                    return (
                      <div key={m.id} className="flex items-center gap-2">
                        <input
                          type="checkbox"
                          id={cid}
                          className="size-4 accent-primary"
                          checked={checked}
                          disabled={!m.allowed || (full && !checked)}
                          onChange={(e) => toggle(m.id, e.target.checked)}
                        />
                        <label htmlFor={cid} className="text-sm">
                          {m.name}
                          {!m.usable ? <span className="text-muted-foreground"> (add a key)</span> : null}
                        </label>
                      </div>
                    );
                  })}
                </div>
              ))}
            </div>
            <p id="batch-models-error" aria-live="polite" className="text-sm font-medium text-destructive empty:hidden">
              {modelsError}
            </p>
          </fieldset>

          <div className="grid gap-2">
            <Label htmlFor="batch-version">Version</Label>
            <Select id="batch-version" value={version} onChange={(e) => setVersion(e.target.value)} disabled={create.isPending}>
              {versionOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </div>

          {refusal ? (
            <Alert variant="destructive">
              <AlertCircleIcon aria-hidden="true" />
              <AlertTitle>Nothing was started</AlertTitle>
              <AlertDescription>
                <p>{refusal.detail}</p>
                {refusal.rows.length > 0 ? (
                  <ul className="mt-2 max-h-40 list-disc overflow-y-auto pl-5" aria-label="Invalid rows">
                    {refusal.rows.map((r) => (
                      <li key={r.row}>
                        Row {r.row}: {r.errors.map((fe) => fe.message).join(" ")}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {refusal.invalidRows > refusal.rows.length ? (
                  <p className="mt-1">…and {(refusal.invalidRows - refusal.rows.length).toLocaleString()} more.</p>
                ) : null}
              </AlertDescription>
            </Alert>
          ) : null}
          {failure ? (
            <Alert variant="destructive">
              <AlertCircleIcon aria-hidden="true" />
              <AlertTitle>Could not start the batch</AlertTitle>
              <AlertDescription>{failure}</AlertDescription>
            </Alert>
          ) : null}

          <DialogFooter>
            <Button variant="outline" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending || (preview !== null && preview.missing.length > 0)}>
              {create.isPending ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : <PlayIcon aria-hidden="true" />}
              Start batch
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
