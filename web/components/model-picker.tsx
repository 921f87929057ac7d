"use client";

import { InfoIcon, KeySquareIcon } from "lucide-react";
import Link from "next/link";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { COMPARE_MAX } from "@/lib/validations/execution";
import { modelAllowed, type ModelCatalog } from "@/lib/validations/prompt";

/** A model as the picker lists it. */
export interface PickerModel {
  id: string;
  name: string;
  allowed: boolean;
  usable: boolean;
}

/** A provider's models, in catalog order. */
export interface PickerGroup {
  provider: string;
  name: string;
  models: PickerModel[];
}

/**
 * The catalog grouped by provider, each model marked allowed by the
 * prompt's whitelist and usable with the workspace's keys. Models the
 * catalog lacks but the prompt names (an OpenAI-compatible server's, say)
 * are added to their provider's group.
 */
export function pickerGroups(catalog: ModelCatalog, whitelist: readonly string[], extra: readonly string[] = []): PickerGroup[] {
  const groups = catalog.providers.map<PickerGroup>((p) => ({ provider: p.id, name: p.name, models: [] }));
  const groupOf = (provider: string): PickerGroup => {
    let g = groups.find((x) => x.provider === provider);
    if (!g) {
      g = { provider, name: provider, models: [] };
      groups.push(g);
    }
    return g;
  };
  const providerUsable = (provider: string) => catalog.providers.find((p) => p.id === provider)?.usable !== false;
  for (const m of catalog.models) {
    groupOf(m.provider).models.push({
      id: m.id,
      name: m.name,
      allowed: modelAllowed(whitelist, m.id),
      usable: m.usable ?? providerUsable(m.provider),
    });
  }
  for (const id of [...extra, ...whitelist]) {
    const colon = id.indexOf(":");
    if (colon <= 0 || colon === id.length - 1) continue;
    if (groups.some((g) => g.models.some((m) => m.id === id))) continue;
    const provider = id.slice(0, colon);
    groupOf(provider).models.push({
      id,
      name: id.slice(colon + 1),
      allowed: modelAllowed(whitelist, id),
      usable: providerUsable(provider),
    });
  }
  return groups.filter((g) => g.models.length > 0);
}

function optionLabel(m: PickerModel): string {
  const notes = [!m.allowed ? "not allowed" : null, !m.usable ? "add a key" : null].filter(Boolean);
  return notes.length > 0 ? `${m.name} (${notes.join(", ")})` : m.name;
}

/** The model a run defaults to: the prompt's default, else the first allowed usable one. */
export function defaultPickerModel(groups: readonly PickerGroup[], preferred: string): string {
  const all = groups.flatMap((g) => g.models);
  if (preferred && all.some((m) => m.id === preferred && m.allowed)) return preferred;
  return all.find((m) => m.allowed && m.usable)?.id ?? all.find((m) => m.allowed)?.id ?? "";
}

export interface ModelPickerProps {
  id: string;
  groups: readonly PickerGroup[];
  whitelist: readonly string[];
  compare: boolean;
  model: string;
  models: readonly string[];
  onModelChange: (model: string) => void;
  onModelsChange: (models: string[]) => void;
  error?: string;
  disabled?: boolean;
}

/**
 * Picks the model of a run, or 2–4 models to compare. Models outside the
 * prompt's whitelist are disabled; models whose provider has no key are
 * marked "add a key" and point to Settings → API keys.
 */
export function ModelPicker({
  id,
  groups,
  whitelist,
  compare,
  model,
  models,
  onModelChange,
  onModelsChange,
  error,
  disabled = false,
}: ModelPickerProps) {
  const all = groups.flatMap((g) => g.models);
  const selected = compare ? all.filter((m) => models.includes(m.id)) : all.filter((m) => m.id === model);
  const anyUnusable = all.some((m) => !m.usable);
  const selectedUnusable = selected.filter((m) => !m.usable);
  const errorId = `${id}-error`;
  const noticeId = `${id}-notice`;

  const notices = (
    <div id={noticeId} className="grid gap-2">
      {whitelist.length > 0 ? (
        <p className="flex items-start gap-1.5 text-xs text-muted-foreground">
          <InfoIcon className="mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
          <span>
            This prompt may run only on <span className="font-mono">{whitelist.join(", ")}</span>; other models are
            disabled.
          </span>
        </p>
      ) : null}
      {selectedUnusable.length > 0 ? (
        <Alert variant="warning">
          <KeySquareIcon aria-hidden="true" />
          <AlertDescription>
            <p>
              No API key for {selectedUnusable.map((m) => m.name).join(", ")} in this workspace.{" "}
              <Link href="/settings/keys/" className="font-medium underline underline-offset-4">
                Add a key in Settings → API keys
              </Link>
            </p>
          </AlertDescription>
        </Alert>
      ) : anyUnusable ? (
        <p className="text-xs text-muted-foreground">
          Models marked “add a key” need a provider key:{" "}
          <Link href="/settings/keys/" className="font-medium text-foreground underline underline-offset-4">
            add a key
          </Link>
          .
        </p>
      ) : null}
    </div>
  );

  if (!compare) {
    return (
      <div className="grid gap-2">
        <Label htmlFor={id}>Model</Label>
        <Select
          id={id}
          value={model}
          disabled={disabled}
          aria-invalid={Boolean(error)}
          aria-describedby={[noticeId, error ? errorId : null].filter(Boolean).join(" ")}
          onChange={(e) => onModelChange(e.target.value)}
        >
          {model === "" ? <option value="">Choose a model…</option> : null}
          {groups.map((g) => (
            <optgroup key={g.provider} label={g.name}>
              {g.models.map((m) => (
                <option key={m.id} value={m.id} disabled={!m.allowed}>
                  {optionLabel(m)}
                </option>
              ))}
            </optgroup>
          ))}
        </Select>
        <p id={errorId} aria-live="polite" className="text-sm font-medium text-destructive empty:hidden">
          {error}
        </p>
        {notices}
      </div>
    );
  }

  const toggle = (mid: string, on: boolean) => {
    onModelsChange(on ? [...models.filter((x) => x !== mid), mid] : models.filter((x) => x !== mid));
  };
  const full = models.length >= COMPARE_MAX;
  return (
    <fieldset
      className="grid gap-3"
      aria-invalid={Boolean(error)}
      aria-describedby={[noticeId, error ? errorId : null].filter(Boolean).join(" ")}
      disabled={disabled}
    >
      <legend className="mb-2 text-sm font-medium">
        Models to compare <span className="font-normal text-muted-foreground">({models.length} of 2–{COMPARE_MAX})</span>
      </legend>
      <div className="grid gap-3 sm:grid-cols-2">
        {groups.map((g) => (
          <div key={g.provider} role="group" aria-label={g.name} className="grid content-start gap-1.5">
            <p className="text-xs font-medium text-muted-foreground">{g.name}</p>
            {g.models.map((m) => {
              const checked = models.includes(m.id);
              const cid = `${id}-${m.id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
              return (
                <div key={m.id} className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    id={cid}
                    className="size-4 accent-primary disabled:cursor-not-allowed"
                    value={m.id}
                    checked={checked}
                    disabled={!m.allowed || (full && !checked)}
                    onChange={(e) => toggle(m.id, e.target.checked)}
                  />
                  <label htmlFor={cid} className="text-sm peer-disabled:opacity-50">
                    {optionLabel(m)}
                  </label>
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <p id={errorId} aria-live="polite" className="text-sm font-medium text-destructive empty:hidden">
        {error}
      </p>
      {notices}
    </fieldset>
  );
}
