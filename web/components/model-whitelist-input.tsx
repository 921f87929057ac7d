"use client";

import { PlusIcon, XIcon } from "lucide-react";
import { useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { OPEN_MODELS_PROVIDER, type ModelCatalog } from "@/lib/validations/prompt";

export interface ModelWhitelistInputProps {
  id: string;
  value: readonly string[];
  onChange: (value: string[]) => void;
  catalog: ModelCatalog | undefined;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

/**
 * Picks the providers and models a prompt may run on. A checked provider
 * allows all of its models; the OpenAI-compatible provider takes free-form
 * model names.
 */
export function ModelWhitelistInput({ id, value, onChange, catalog, ...aria }: ModelWhitelistInputProps) {
  const [openName, setOpenName] = useState("");

  const toggle = (entry: string, on: boolean) => {
    const next = on ? [...value, entry] : value.filter((v) => v !== entry);
    onChange([...new Set(next)]);
  };

  const addOpenModel = () => {
    const name = openName.trim();
    if (!name) return;
    toggle(`${OPEN_MODELS_PROVIDER}:${name}`, true);
    setOpenName("");
  };

  if (!catalog) {
    return (
      <p id={id} className="text-sm text-muted-foreground">
        Loading models…
      </p>
    );
  }

  const openEntries = value.filter((v) => v.startsWith(`${OPEN_MODELS_PROVIDER}:`));
  return (
    <fieldset
      id={id}
      aria-describedby={aria["aria-describedby"]}
      aria-invalid={aria["aria-invalid"]}
      className="grid max-h-72 gap-3 overflow-y-auto rounded-md border p-3"
    >
      <legend className="sr-only">Allowed models</legend>
      {catalog.providers.map((provider) => {
        const providerOn = value.includes(provider.id);
        const models = catalog.models.filter((m) => m.provider === provider.id);
        return (
          <div key={provider.id} className="grid gap-1.5">
            <label className="flex items-center gap-2 text-sm font-medium">
              <input
                type="checkbox"
                className="size-4 accent-primary"
                checked={providerOn}
                onChange={(e) => toggle(provider.id, e.target.checked)}
              />
              All {provider.name} models
            </label>
            {models.length > 0 ? (
              <div className="grid gap-1 pl-6 sm:grid-cols-2">
                {models.map((m) => (
                  <label key={m.id} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      className="size-4 accent-primary"
                      checked={providerOn || value.includes(m.id)}
                      disabled={providerOn}
                      onChange={(e) => toggle(m.id, e.target.checked)}
                    />
                    <span>{m.name}</span>
                    <code className="sr-only">{m.id}</code>
                  </label>
                ))}
              </div>
            ) : null}
            {provider.id === OPEN_MODELS_PROVIDER ? (
              <div className="grid gap-1.5 pl-6">
                {openEntries.length > 0 ? (
                  <ul className="flex flex-wrap gap-1.5" aria-label="OpenAI-compatible models">
                    {openEntries.map((entry) => (
                      <li key={entry}>
                        <Badge variant="secondary" className="gap-1 pr-1 font-mono">
                          {entry.slice(OPEN_MODELS_PROVIDER.length + 1)}
                          <button
                            type="button"
                            onClick={() => toggle(entry, false)}
                            aria-label={`Remove model ${entry}`}
                            className="rounded-sm opacity-70 hover:opacity-100"
                          >
                            <XIcon className="size-3" aria-hidden="true" />
                          </button>
                        </Badge>
                      </li>
                    ))}
                  </ul>
                ) : null}
                {providerOn ? null : (
                  <div className="flex gap-2">
                    <Input
                      value={openName}
                      onChange={(e) => setOpenName(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === "Enter") {
                          e.preventDefault();
                          addOpenModel();
                        }
                      }}
                      placeholder="Model name, e.g. llama3.1"
                      aria-label="OpenAI-compatible model name"
                      className="h-8"
                    />
                    <Button variant="outline" size="sm" onClick={addOpenModel} disabled={!openName.trim()}>
                      <PlusIcon aria-hidden="true" />
                      Add
                    </Button>
                  </div>
                )}
              </div>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}
