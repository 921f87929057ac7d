"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { AlertCircleIcon, Loader2Icon } from "lucide-react";
import { useMemo, useRef, useState, type FormEvent } from "react";
import { Controller, useForm, useWatch, type Path } from "react-hook-form";

import { ModelWhitelistInput } from "@/components/model-whitelist-input";
import { PromptTextEditor } from "@/components/prompt-text-editor";
import { QuotaExceededDialog } from "@/components/quota-exceeded-dialog";
import { TagInput } from "@/components/tag-input";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useCreatePrompt, useModels, useTags, useUpdatePrompt } from "@/hooks/use-prompts";
import { isApiError } from "@/lib/api";
import { applyApiFieldErrors, errorMessage } from "@/lib/forms";
import { quotaFromError } from "@/lib/quota";
import {
  emptyPromptForm,
  extractVariables,
  modelAllowed,
  OPEN_MODELS_PROVIDER,
  PROMPT_DESCRIPTION_MAX,
  PROMPT_TAG_MAX,
  PROMPT_TAGS_MAX,
  PROMPT_TITLE_MAX,
  promptFormSchema,
  promptToFormInput,
  toCreatePromptRequest,
  toUpdatePromptRequest,
  type Prompt,
  type PromptContent,
  type PromptFormInput,
  type PromptFormValues,
  type QuotaProblem,
} from "@/lib/validations/prompt";

/** Where the editor is shown; labels and buttons follow it. */
export type PromptEditorContext = "home" | "prompts" | "detail";

interface CommonProps {
  context: PromptEditorContext;
  /** Workspace a new prompt goes to; the personal one when absent. */
  workspaceId?: string;
  /** Called with the saved prompt; `another` is true after "Save and add another". */
  onSaved: (prompt: Prompt, options: { another: boolean }) => void;
  onCancel?: () => void;
}

export type PromptEditorFormProps = CommonProps &
  (
    | { mode: "create"; initialValues?: Partial<PromptContent> }
    | { mode: "edit"; initialValues: Prompt }
  );

/** API field names → form paths; they are the same except the variables. */
const fieldMap: Readonly<Record<string, Path<PromptFormInput>>> = {
  title: "title",
  description: "description",
  promptText: "promptText",
  tags: "tags",
  modelWhitelist: "modelWhitelist",
  defaultModel: "defaultModel",
  defaultParams: "defaultParams.temperature",
  "defaultParams.temperature": "defaultParams.temperature",
  "defaultParams.topP": "defaultParams.topP",
  "defaultParams.maxTokens": "defaultParams.maxTokens",
  "defaultParams.systemPrompt": "defaultParams.systemPrompt",
  variables: "variableDefaults",
  variableDefaults: "variableDefaults",
};

const advancedFields = new Set<string>(["modelWhitelist", "defaultModel", "defaultParams", "variableDefaults"]);

function startValues(props: PromptEditorFormProps): PromptFormInput {
  if (props.mode === "edit") return promptToFormInput(props.initialValues);
  const init = props.initialValues;
  if (!init) return emptyPromptForm;
  return promptToFormInput({
    title: init.title ?? "",
    description: init.description ?? "",
    promptText: init.promptText ?? "",
    tags: init.tags ?? [],
    modelWhitelist: init.modelWhitelist ?? [],
    defaultModel: init.defaultModel ?? "",
    defaultParams: init.defaultParams ?? {},
    variables: init.variables ?? [],
  });
}

/**
 * The one prompt editor: creates a prompt (Home modal, Prompts drawer) or
 * edits its working draft (detail page). Validated by the schema that mirrors
 * the API; server field errors land on the fields they name, and a refused
 * create over the quota opens the quota dialog.
 */
export function PromptEditorForm(props: PromptEditorFormProps) {
  const { mode, context, workspaceId, onSaved, onCancel } = props;
  const [initial] = useState(() => startValues(props));
  const form = useForm<PromptFormInput, unknown, PromptFormValues>({
    resolver: zodResolver(promptFormSchema),
    defaultValues: initial,
  });
  const { errors, isSubmitting } = form.formState;
  const [formError, setFormError] = useState<string | null>(null);
  const [quota, setQuota] = useState<QuotaProblem | null>(null);
  const [advancedOpen, setAdvancedOpen] = useState(context === "detail" || context === "prompts");
  // Which submit button was pressed; a ref is current by the time the submit event runs.
  const another = useRef(false);

  const create = useCreatePrompt();
  const update = useUpdatePrompt();
  const tags = useTags(mode === "edit" ? props.initialValues.workspaceId : workspaceId);
  const models = useModels();

  const promptText = useWatch({ control: form.control, name: "promptText" });
  const whitelist = useWatch({ control: form.control, name: "modelWhitelist" });
  const variables = useMemo(() => extractVariables(promptText), [promptText]);
  const tagSuggestions = useMemo(() => tags.data?.items.map((t) => t.tag) ?? [], [tags.data]);

  const modelOptions = useMemo(() => {
    const opts = (models.data?.models ?? [])
      .filter((m) => modelAllowed(whitelist, m.id))
      .map((m) => ({ id: m.id, name: m.name }));
    for (const w of whitelist) {
      if (w.startsWith(`${OPEN_MODELS_PROVIDER}:`) && !opts.some((o) => o.id === w)) {
        opts.push({ id: w, name: w.slice(OPEN_MODELS_PROVIDER.length + 1) });
      }
    }
    return opts;
  }, [models.data, whitelist]);
  const currentDefault = useWatch({ control: form.control, name: "defaultModel" });

  const submit = (addAnother: boolean) =>
    form.handleSubmit(
      async (values) => {
        setFormError(null);
        try {
          const saved =
            mode === "create"
              ? await create.mutateAsync(toCreatePromptRequest(values, workspaceId))
              : await update.mutateAsync({ id: props.initialValues.id, body: toUpdatePromptRequest(values) });
          if (addAnother) form.reset(emptyPromptForm);
          onSaved(saved, { another: addAnother });
        } catch (err) {
          const q = quotaFromError(err);
          if (q) {
            setQuota(q);
            return;
          }
          if (isApiError(err) && err.fieldErrors.some((fe) => advancedFields.has(fe.field.split(".")[0] ?? ""))) {
            setAdvancedOpen(true);
          }
          const placed = applyApiFieldErrors(err, form.setError, fieldMap);
          if (!placed) setFormError(errorMessage(err));
        }
      },
      (invalid) => {
        if (Object.keys(invalid).some((k) => advancedFields.has(k))) setAdvancedOpen(true);
      },
    );

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    const addAnother = another.current;
    another.current = false;
    void submit(addAnother)(e);
  };

  const submitLabel = mode === "edit" ? "Save changes" : context === "prompts" ? "Save prompt" : "Create prompt";
  const idp = `prompt-${context}`;
  const defaultParamsErrors = errors.defaultParams;
  const variablesError: unknown = errors.variableDefaults?.message;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5" aria-label={mode === "edit" ? "Edit prompt" : "New prompt"}>
      {formError ? (
        <Alert variant="destructive">
          <AlertCircleIcon aria-hidden="true" />
          <AlertTitle>Could not save the prompt</AlertTitle>
          <AlertDescription>{formError}</AlertDescription>
        </Alert>
      ) : null}
      {mode === "edit" && props.initialValues.publishedVersion !== null ? (
        <p className="rounded-md border bg-muted/50 px-3 py-2 text-sm text-muted-foreground">
          Saving changes the working draft. The published version v{props.initialValues.publishedVersion} stays live
          until you publish again.
        </p>
      ) : null}

      <FormField id={`${idp}-title`} label="Title" error={errors.title?.message}>
        {(aria) => (
          <Input autoComplete="off" maxLength={PROMPT_TITLE_MAX + 50} {...aria} {...form.register("title")} />
        )}
      </FormField>

      <FormField
        id={`${idp}-description`}
        label="Description"
        hint={`Optional. What the prompt is for. Up to ${PROMPT_DESCRIPTION_MAX.toLocaleString()} characters.`}
        error={errors.description?.message}
      >
        {(aria) => <Textarea rows={2} {...aria} {...form.register("description")} />}
      </FormField>

      <FormField
        id={`${idp}-text`}
        label="Prompt text"
        hint={
          <>
            Use <code className="font-mono">{"{{name}}"}</code> for variables filled in when the prompt runs.
          </>
        }
        error={errors.promptText?.message}
      >
        {(aria) => (
          <Controller
            control={form.control}
            name="promptText"
            render={({ field }) => (
              <PromptTextEditor
                {...aria}
                ref={field.ref}
                name={field.name}
                value={field.value}
                onChange={field.onChange}
                onBlur={field.onBlur}
                placeholder="You are a helpful assistant. Summarize {{text}} in {{words}} words."
              />
            )}
          />
        )}
      </FormField>

      <FormField
        id={`${idp}-tags`}
        label="Tags"
        hint={`Press Enter or comma to add. Up to ${PROMPT_TAGS_MAX} tags of ${PROMPT_TAG_MAX} characters.`}
        error={errors.tags?.message ?? errors.tags?.root?.message}
      >
        {(aria) => (
          <Controller
            control={form.control}
            name="tags"
            render={({ field }) => (
              <TagInput
                id={aria.id}
                aria-invalid={aria["aria-invalid"]}
                aria-describedby={aria["aria-describedby"]}
                value={field.value}
                onChange={field.onChange}
                suggestions={tagSuggestions}
              />
            )}
          />
        )}
      </FormField>

      <details
        open={advancedOpen}
        onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}
        className="group rounded-lg border"
      >
        <summary className="cursor-pointer select-none rounded-lg px-4 py-3 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
          Variables and model settings
        </summary>
        <div className="grid gap-5 border-t px-4 py-4">
          <div className="grid gap-2" data-testid="detected-variables">
            <Label asChild>
              <span>Variables</span>
            </Label>
            {variables.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                No variables yet. Write <code className="font-mono">{"{{name}}"}</code> in the prompt text to add one.
              </p>
            ) : (
              <Controller
                control={form.control}
                name="variableDefaults"
                render={({ field }) => (
                  <ul className="grid gap-2">
                    {variables.map((name) => {
                      const inputId = `${idp}-var-${name}`;
                      return (
                        <li key={name} className="grid items-center gap-2 sm:grid-cols-[10rem_1fr]">
                          <label htmlFor={inputId} className="truncate font-mono text-sm">
                            {`{{${name}}}`}
                            <span className="sr-only"> default value</span>
                          </label>
                          <Input
                            id={inputId}
                            value={field.value[name] ?? ""}
                            placeholder="Default value (optional)"
                            onChange={(e) => field.onChange({ ...field.value, [name]: e.target.value })}
                            className="h-8"
                          />
                        </li>
                      );
                    })}
                  </ul>
                )}
              />
            )}
            {typeof variablesError === "string" && variablesError ? (
              <p className="text-sm font-medium text-destructive" role="alert">
                {variablesError}
              </p>
            ) : null}
          </div>

          <FormField
            id={`${idp}-whitelist`}
            label="Allowed models"
            hint="Leave empty to allow any model. Pick a provider to allow all of its models."
            error={errors.modelWhitelist?.message}
          >
            {(aria) => (
              <Controller
                control={form.control}
                name="modelWhitelist"
                render={({ field }) => (
                  <ModelWhitelistInput
                    id={aria.id}
                    aria-describedby={aria["aria-describedby"]}
                    aria-invalid={aria["aria-invalid"]}
                    value={field.value}
                    onChange={field.onChange}
                    catalog={models.data}
                  />
                )}
              />
            )}
          </FormField>

          <FormField
            id={`${idp}-default-model`}
            label="Default model"
            hint="Only models the whitelist allows are offered."
            error={errors.defaultModel?.message}
          >
            {(aria) => (
              <Select {...aria} {...form.register("defaultModel")}>
                <option value="">None (choose when running)</option>
                {modelOptions.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name} ({m.id})
                  </option>
                ))}
                {currentDefault && !modelOptions.some((m) => m.id === currentDefault) ? (
                  <option value={currentDefault}>{currentDefault} (not allowed)</option>
                ) : null}
              </Select>
            )}
          </FormField>

          <div className="grid gap-4 sm:grid-cols-3">
            <FormField
              id={`${idp}-temperature`}
              label="Temperature"
              hint="0 to 2"
              error={defaultParamsErrors?.temperature?.message}
            >
              {(aria) => (
                <Input type="number" inputMode="decimal" step="0.1" min={0} max={2} {...aria} {...form.register("defaultParams.temperature")} />
              )}
            </FormField>
            <FormField id={`${idp}-top-p`} label="Top P" hint="0 to 1" error={defaultParamsErrors?.topP?.message}>
              {(aria) => (
                <Input type="number" inputMode="decimal" step="0.05" min={0} max={1} {...aria} {...form.register("defaultParams.topP")} />
              )}
            </FormField>
            <FormField
              id={`${idp}-max-tokens`}
              label="Max tokens"
              hint="1 to 1,000,000"
              error={defaultParamsErrors?.maxTokens?.message}
            >
              {(aria) => (
                <Input type="number" inputMode="numeric" step="1" min={1} max={1_000_000} {...aria} {...form.register("defaultParams.maxTokens")} />
              )}
            </FormField>
          </div>
          <FormField
            id={`${idp}-system-prompt`}
            label="System prompt"
            hint="Optional. Sent before the prompt. Up to 20,000 characters."
            error={defaultParamsErrors?.systemPrompt?.message}
          >
            {(aria) => <Textarea rows={3} className="font-mono" {...aria} {...form.register("defaultParams.systemPrompt")} />}
          </FormField>
        </div>
      </details>

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {onCancel ? (
          <Button variant="outline" onClick={onCancel} disabled={isSubmitting}>
            Cancel
          </Button>
        ) : null}
        {mode === "create" && context === "prompts" ? (
          <Button type="submit" variant="secondary" disabled={isSubmitting} onClick={() => (another.current = true)}>
            Save and add another
          </Button>
        ) : null}
        <Button type="submit" disabled={isSubmitting} onClick={() => (another.current = false)}>
          {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
          {submitLabel}
        </Button>
      </div>
      <QuotaExceededDialog quota={quota} onClose={() => setQuota(null)} />
    </form>
  );
}
