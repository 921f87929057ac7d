"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { AlertCircleIcon, KeySquareIcon, PlayIcon, SquareIcon } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { Controller, useForm, useWatch, type Path } from "react-hook-form";

import { ModelPicker, defaultPickerModel, pickerGroups } from "@/components/model-picker";
import { QueryError } from "@/components/query-error";
import { RunColumn } from "@/components/run-column";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { executionsQueryKey } from "@/hooks/use-executions";
import { useModels } from "@/hooks/use-prompts";
import { isApiError, streamPromptExecution, streamPublicPromptExecution, type ApiError } from "@/lib/api";
import { applyApiFieldErrors, errorMessage } from "@/lib/forms";
import { applyRunEvent, cancelRunColumns, failRunColumns, initialRunColumns, type RunColumn as RunColumnState } from "@/lib/run-state";
import {
  missingVariablesSchema,
  modelNotAllowedSchema,
  noCredentialSchema,
  runFormDefaults,
  runFormSchema,
  toExecuteRequest,
  type RunFormInput,
  type RunFormValues,
} from "@/lib/validations/execution";
import type { Prompt } from "@/lib/validations/prompt";

/** API field names of a run's validation problem → run form fields. */
const fieldMap: Readonly<Record<string, Path<RunFormInput>>> = {
  model: "model",
  models: "models",
  version: "version",
  "params.temperature": "params.temperature",
  "params.topP": "params.topP",
  "params.maxTokens": "params.maxTokens",
  "params.systemPrompt": "params.systemPrompt",
};

interface FormProblem {
  title: string;
  detail: string;
  keysLink?: boolean;
}

export interface RunPanelProps {
  prompt: Prompt;
  /**
   * Runs someone else's public prompt: its published version only, with the
   * keys of the caller's personal workspace, where the run is recorded.
   */
  publicRun?: boolean;
}

/**
 * Runs a prompt from its page: model (or 2–4 to compare), variables,
 * parameters and version, then streams each model's answer live with a Stop
 * button; problems the server finds before calling land on the fields they name.
 */
export function RunPanel({ prompt, publicRun = false }: RunPanelProps) {
  const queryClient = useQueryClient();
  const catalog = useModels(publicRun ? undefined : prompt.workspaceId);
  const [initial] = useState(() => runFormDefaults(prompt));
  const form = useForm<RunFormInput, unknown, RunFormValues>({
    resolver: zodResolver(runFormSchema),
    defaultValues: initial,
  });
  const { errors } = form.formState;
  const [columns, setColumns] = useState<RunColumnState[]>([]);
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  // Leaving the page stops a run still going (the server records it as cancelled).
  useEffect(() => () => abortRef.current?.abort(), []);

  const groups = useMemo(
    () => (catalog.data ? pickerGroups(catalog.data, prompt.modelWhitelist, prompt.defaultModel ? [prompt.defaultModel] : []) : []),
    [catalog.data, prompt.modelWhitelist, prompt.defaultModel],
  );
  const compare = useWatch({ control: form.control, name: "compare" });
  const model = useWatch({ control: form.control, name: "model" });

  // Once the catalog is known, fall back from an empty or disallowed default model.
  useEffect(() => {
    if (groups.length === 0) return;
    const current = form.getValues("model");
    const picked = defaultPickerModel(groups, current);
    if (picked !== current) form.setValue("model", picked);
  }, [groups, form]);

  const versionOptions = useMemo(() => {
    const opts: { value: string; label: string }[] = [];
    if (publicRun && prompt.publishedVersion !== null) {
      return [{ value: String(prompt.publishedVersion), label: `v${prompt.publishedVersion} (published)` }];
    }
    for (let v = prompt.latestVersion; v >= 1; v--) {
      opts.push({ value: String(v), label: v === prompt.publishedVersion ? `v${v} (published)` : `v${v}` });
    }
    opts.push({ value: "draft", label: prompt.hasDraftChanges || prompt.latestVersion === 0 ? "Working draft" : "Working draft (same as latest)" });
    return opts;
  }, [prompt.latestVersion, prompt.publishedVersion, prompt.hasDraftChanges, publicRun]);

  const handleProblem = (err: ApiError) => {
    switch (err.code) {
      case "missing_variables": {
        const parsed = missingVariablesSchema.safeParse(err.extra);
        const missing = parsed.success ? parsed.data.missing : [];
        missing.forEach((name, i) => {
          form.setError(`variables.${name}`, { type: "server", message: `Give a value for {{${name}}}.` }, { shouldFocus: i === 0 });
        });
        setProblem({ title: "Some variables have no value", detail: err.detail });
        return;
      }
      case "model_not_allowed": {
        const parsed = modelNotAllowedSchema.safeParse(err.extra);
        const allowed = parsed.success && parsed.data.allowed.length > 0 ? ` Allowed: ${parsed.data.allowed.join(", ")}.` : "";
        form.setError(form.getValues("compare") ? "models" : "model", { type: "server", message: `${err.detail}${allowed}` });
        return;
      }
      case "no_credential": {
        const parsed = noCredentialSchema.safeParse(err.extra);
        setProblem({
          title: parsed.success ? `No ${parsed.data.provider} API key` : "No API key",
          detail: err.detail,
          keysLink: true,
        });
        return;
      }
      default: {
        const placed = applyApiFieldErrors(err, form.setError, fieldMap);
        if (!placed) {
          const reason = typeof err.extra.reason === "string" ? ` (${err.extra.reason})` : "";
          setProblem({ title: "Could not run the prompt", detail: `${err.detail}${reason}` });
        }
      }
    }
  };

  const runWith = async (values: RunFormValues) => {
    setProblem(null);
    const body = toExecuteRequest(values);
    const models = values.compare ? values.models : [values.model];
    const controller = new AbortController();
    abortRef.current = controller;
    setColumns(initialRunColumns(models));
    setRunning(true);
    try {
      const options = {
        signal: controller.signal,
        onEvent: (event: Parameters<typeof applyRunEvent>[1]) => setColumns((cols) => applyRunEvent(cols, event)),
      };
      if (publicRun) await streamPublicPromptExecution(prompt.id, body, options);
      else await streamPromptExecution(prompt.id, body, options);
      setColumns((cols) =>
        failRunColumns(cols, { code: "stream_ended", detail: "The answer ended before the run finished." }),
      );
    } catch (err) {
      if (controller.signal.aborted) {
        setColumns((cols) => cancelRunColumns(cols));
      } else {
        setColumns([]);
        if (isApiError(err)) handleProblem(err);
        else setProblem({ title: "Could not run the prompt", detail: errorMessage(err) });
      }
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
      setRunning(false);
      void queryClient.invalidateQueries({ queryKey: executionsQueryKey });
    }
  };

  const stop = () => abortRef.current?.abort();
  const paramErrors = errors.params;

  let picker;
  if (catalog.isPending) {
    picker = <Skeleton role="status" aria-label="Loading models" className="h-9 w-full" />;
  } else if (catalog.isError) {
    picker = (
      <QueryError
        title="Could not load the models"
        error={catalog.error}
        onRetry={() => void catalog.refetch()}
        retrying={catalog.isFetching}
      />
    );
  } else {
    picker = (
      <Controller
        control={form.control}
        name="models"
        render={({ field }) => (
          <ModelPicker
            id="run-model"
            groups={groups}
            whitelist={prompt.modelWhitelist}
            compare={compare}
            model={model}
            models={field.value}
            onModelChange={(m) => {
              form.setValue("model", m);
              form.clearErrors("model");
            }}
            onModelsChange={(ms) => {
              field.onChange(ms);
              form.clearErrors("models");
            }}
            error={compare ? errors.models?.message : errors.model?.message}
            disabled={running}
          />
        )}
      />
    );
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Run</CardTitle>
        <CardDescription>Run this prompt with your workspace’s API keys; every run is recorded in the history.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        <form onSubmit={(e) => void form.handleSubmit(runWith)(e)} noValidate className="grid gap-5" aria-label="Run prompt">
          {problem ? (
            <Alert variant="destructive">
              {problem.keysLink ? <KeySquareIcon aria-hidden="true" /> : <AlertCircleIcon aria-hidden="true" />}
              <AlertTitle>{problem.title}</AlertTitle>
              <AlertDescription>
                <p>{problem.detail}</p>
                {problem.keysLink ? (
                  <p>
                    <Link href="/settings/keys/" className="font-medium underline underline-offset-4">
                      Go to Settings → API keys
                    </Link>
                  </p>
                ) : null}
              </AlertDescription>
            </Alert>
          ) : null}

          <div className="flex flex-wrap items-center gap-2">
            <input
              type="checkbox"
              id="run-compare"
              className="size-4 accent-primary"
              disabled={running}
              {...form.register("compare", {
                onChange: () => {
                  form.clearErrors(["model", "models"]);
                  if (form.getValues("models").length === 0 && form.getValues("model")) {
                    form.setValue("models", [form.getValues("model")]);
                  }
                },
              })}
            />
            <label htmlFor="run-compare" className="text-sm font-medium">
              Compare models side by side
            </label>
          </div>

          {picker}

          {prompt.variables.length > 0 ? (
            <fieldset className="grid gap-4" disabled={running}>
              <legend className="mb-2 text-sm font-medium">Variables</legend>
              {prompt.variables.map((v) => (
                <FormField
                  key={v.name}
                  id={`run-var-${v.name}`}
                  label={v.name}
                  error={errors.variables?.[v.name]?.message}
                  hint={v.default !== undefined ? `Default: “${v.default}”` : undefined}
                >
                  {(aria) => <Textarea rows={2} {...aria} {...form.register(`variables.${v.name}`)} />}
                </FormField>
              ))}
            </fieldset>
          ) : (
            <p className="text-sm text-muted-foreground">This prompt has no variables.</p>
          )}

          <fieldset className="grid gap-4" disabled={running}>
            <legend className="mb-2 text-sm font-medium">Parameters</legend>
            <div className="grid gap-4 sm:grid-cols-4">
              <FormField id="run-version" label="Version" error={errors.version?.message}>
                {(aria) => (
                  <Select {...aria} {...form.register("version")}>
                    {versionOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </Select>
                )}
              </FormField>
              <FormField id="run-temperature" label="Temperature" error={paramErrors?.temperature?.message}>
                {(aria) => <Input inputMode="decimal" placeholder="Model default" {...aria} {...form.register("params.temperature")} />}
              </FormField>
              <FormField id="run-top-p" label="Top P" error={paramErrors?.topP?.message}>
                {(aria) => <Input inputMode="decimal" placeholder="Model default" {...aria} {...form.register("params.topP")} />}
              </FormField>
              <FormField id="run-max-tokens" label="Max tokens" error={paramErrors?.maxTokens?.message}>
                {(aria) => <Input inputMode="numeric" placeholder="Model default" {...aria} {...form.register("params.maxTokens")} />}
              </FormField>
            </div>
            <FormField id="run-system-prompt" label="System prompt" error={paramErrors?.systemPrompt?.message}>
              {(aria) => <Textarea rows={2} {...aria} {...form.register("params.systemPrompt")} />}
            </FormField>
          </fieldset>

          <div className="flex flex-wrap gap-2">
            {/* Distinct keys: React must not turn the clicked Stop button into
                the submit button while its click is still being handled, or
                the browser would submit the form and start a new run. */}
            {running ? (
              <Button key="stop" type="button" variant="destructive" onClick={stop}>
                <SquareIcon aria-hidden="true" />
                Stop
              </Button>
            ) : (
              <Button key="run" type="submit" disabled={catalog.isPending}>
                <PlayIcon aria-hidden="true" />
                Run
              </Button>
            )}
          </div>
        </form>

        {columns.length > 0 ? (
          <div
            role="region"
            aria-label="Run results"
            className={columns.length > 1 ? "grid gap-4 md:grid-cols-2 xl:grid-cols-[repeat(auto-fit,minmax(18rem,1fr))]" : "grid gap-4"}
          >
            {columns.map((c) => (
              <RunColumn key={c.model} column={c} />
            ))}
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
