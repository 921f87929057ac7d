"use client";

import { ArrowDownIcon, ArrowUpIcon, Trash2Icon } from "lucide-react";

import { BindingEditor } from "@/components/binding-editor";
import { ModelPicker, pickerGroups } from "@/components/model-picker";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Select } from "@/components/ui/select";
import { useModels, usePrompt, usePromptVersion, usePromptVersions } from "@/hooks/use-prompts";
import type { StepDraft } from "@/lib/chain-steps";
import type { Binding } from "@/lib/validations/chain";
import { extractVariables, type PromptSummary } from "@/lib/validations/prompt";

export interface ChainStepEditorProps {
  /** Index of the step (from 0); it is step index + 1. */
  index: number;
  count: number;
  step: StepDraft;
  prompts: readonly PromptSummary[];
  inputs: readonly string[];
  /** This step's field errors from the API, keyed by promptId, version, model, bindings.<variable>. */
  errors: Record<string, string>;
  onChange: (step: StepDraft) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
}

/**
 * One step of the chain editor: the prompt, its version (pinned, or the
 * published one at run time), the model, and a binding for each variable
 * of that version.
 */
export function ChainStepEditor({ index, count, step, prompts, inputs, errors, onChange, onMove, onRemove }: ChainStepEditorProps) {
  const position = index + 1;
  const id = `step-${step.key}`;
  const prompt = usePrompt(step.promptId);
  const versions = usePromptVersions(step.promptId);
  const effectiveVersion = step.version ?? prompt.data?.publishedVersion ?? null;
  const version = usePromptVersion(step.promptId, effectiveVersion);
  const content = effectiveVersion === null ? prompt.data : version.data;
  const models = useModels();

  const variables = content ? extractVariables(content.promptText) : [];
  const defaults = new Set((content?.variables ?? []).filter((v) => v.default !== undefined).map((v) => v.name));
  const whitelist = content?.modelWhitelist ?? [];
  const groups = models.data ? pickerGroups(models.data, whitelist, step.model ? [step.model] : []) : [];

  const setBinding = (name: string, b: Binding | undefined) => {
    const bindings = { ...step.bindings };
    if (b) bindings[name] = b;
    else delete bindings[name];
    onChange({ ...step, bindings });
  };
  const unknownBindings = Object.keys(step.bindings).filter((name) => content && !variables.includes(name));

  return (
    <Card role="group" aria-label={`Step ${position}`}>
      <CardHeader className="flex flex-row items-center justify-between gap-2">
        <CardTitle className="text-base">Step {position}</CardTitle>
        <div className="flex gap-1">
          <Button type="button" variant="ghost" size="icon" aria-label={`Move step ${position} up`} disabled={index === 0} onClick={() => onMove(index - 1)}>
            <ArrowUpIcon aria-hidden="true" />
          </Button>
          <Button
            type="button"
            variant="ghost"
            size="icon"
            aria-label={`Move step ${position} down`}
            disabled={index === count - 1}
            onClick={() => onMove(index + 1)}
          >
            <ArrowDownIcon aria-hidden="true" />
          </Button>
          <Button type="button" variant="ghost" size="icon" aria-label={`Remove step ${position}`} onClick={onRemove}>
            <Trash2Icon aria-hidden="true" />
          </Button>
        </div>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField id={`${id}-prompt`} label="Prompt" error={errors.promptId}>
            {(aria) => (
              <Select
                {...aria}
                value={step.promptId}
                onChange={(e) => onChange({ ...step, promptId: e.target.value, version: null, bindings: {} })}
              >
                <option value="">Choose a prompt…</option>
                {prompts.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
                {step.promptId && !prompts.some((p) => p.id === step.promptId) ? (
                  <option value={step.promptId}>{prompt.data?.title ?? step.promptId}</option>
                ) : null}
              </Select>
            )}
          </FormField>
          <FormField
            id={`${id}-version`}
            label="Version"
            error={errors.version}
            hint={step.version === null ? (prompt.data?.publishedVersion ? "The version published when a run starts." : "Never published: runs the working draft.") : undefined}
          >
            {(aria) => (
              <Select
                {...aria}
                value={step.version === null ? "" : String(step.version)}
                disabled={!step.promptId}
                onChange={(e) => onChange({ ...step, version: e.target.value === "" ? null : Number(e.target.value) })}
              >
                <option value="">Latest published</option>
                {(versions.data?.items ?? []).map((v) => (
                  <option key={v.version} value={String(v.version)}>
                    Version {v.version}
                  </option>
                ))}
              </Select>
            )}
          </FormField>
        </div>
        <ModelPicker
          id={`${id}-model`}
          groups={groups}
          whitelist={whitelist}
          compare={false}
          model={step.model}
          models={[]}
          onModelChange={(model) => onChange({ ...step, model })}
          onModelsChange={() => undefined}
          error={errors.model}
          disabled={!step.promptId}
        />
        {variables.length > 0 ? (
          <fieldset className="grid gap-3">
            <legend className="mb-1 text-sm font-medium">Variables</legend>
            {variables.map((name) => (
              <BindingEditor
                key={name}
                id={`${id}-var-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`}
                variable={name}
                value={step.bindings[name]}
                inputs={inputs}
                position={position}
                hasDefault={defaults.has(name)}
                error={errors[`bindings.${name}`]}
                onChange={(b) => setBinding(name, b)}
              />
            ))}
          </fieldset>
        ) : step.promptId && content ? (
          <p className="text-sm text-muted-foreground">This prompt has no variables.</p>
        ) : null}
        {unknownBindings.map((name) => (
          <p key={name} className="text-sm font-medium text-destructive">
            {errors[`bindings.${name}`] ?? `The prompt has no {{${name}}} any more.`}{" "}
            <Button type="button" variant="link" className="h-auto p-0" onClick={() => setBinding(name, undefined)}>
              Remove this binding
            </Button>
          </p>
        ))}
      </CardContent>
    </Card>
  );
}
