"use client";

import { PlusIcon, SaveIcon, XIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { ChainStepEditor } from "@/components/chain-step-editor";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { useSaveChain } from "@/hooks/use-chains";
import { usePrompts } from "@/hooks/use-prompts";
import { isApiError, type FieldError } from "@/lib/api";
import { moveStep, removeStep, stepFieldErrors, type StepDraft } from "@/lib/chain-steps";
import { errorMessage } from "@/lib/forms";
import { CHAIN_STEPS_MAX, chainRequestSchema, type Chain } from "@/lib/validations/chain";

/** A key for a new step, stable across reorders. */
const newKey = () => `s-${Math.random().toString(36).slice(2, 10)}`;

function draftsOf(chain: Chain | undefined): StepDraft[] {
  if (!chain) return [{ key: newKey(), promptId: "", version: null, model: "", bindings: {} }];
  return chain.steps.map((s) => ({ key: newKey(), promptId: s.promptId, version: s.version, model: s.model, bindings: s.bindings }));
}

export interface ChainEditorProps {
  /** The chain to edit; a new chain when undefined. */
  chain?: Chain;
  onSaved: (chain: Chain) => void;
}

/**
 * Defines a chain: its name, the inputs a run asks for, and its steps in
 * order. The API validates the whole definition on save; its errors are
 * shown on the fields they name (steps[i].model, steps[i].bindings.x, …).
 */
export function ChainEditor({ chain, onSaved }: ChainEditorProps) {
  const [name, setName] = useState(chain?.name ?? "");
  const [description, setDescription] = useState(chain?.description ?? "");
  const [inputs, setInputs] = useState<string[]>(chain?.inputs ?? []);
  const [steps, setSteps] = useState<StepDraft[]>(() => draftsOf(chain));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const prompts = usePrompts({ perPage: 200, sort: "title", order: "asc" });
  const save = useSaveChain(chain?.id ?? "");

  const fieldError = (field: string) => errors.find((e) => e.field === field)?.message;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const body = {
      name,
      description,
      inputs: inputs.map((i) => i.trim()),
      steps: steps.map(({ promptId, version, model, bindings }) => ({ promptId, version, model, bindings })),
    };
    const parsed = chainRequestSchema.safeParse(body);
    if (!parsed.success) {
      setErrors(
        parsed.error.issues.map((i) => ({
          field: i.path.map((p, n) => (typeof p === "number" ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`)).join(""),
          code: i.code,
          message: i.message,
        })),
      );
      setProblem("Check the highlighted fields.");
      return;
    }
    try {
      const saved = await save.mutateAsync(parsed.data);
      setErrors([]);
      setProblem(null);
      toast.success(chain ? "Chain saved" : "Chain created");
      onSaved(saved);
    } catch (err) {
      if (isApiError(err, "validation_failed")) {
        setErrors(err.fieldErrors);
        setProblem(err.fieldErrors.length > 1 ? "The chain has problems; each is shown on its field." : err.detail);
        return;
      }
      setErrors([]);
      setProblem(errorMessage(err));
    }
  };

  return (
    <form aria-label="Chain definition" className="grid gap-6" onSubmit={(e) => void submit(e)} noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id="chain-name" label="Name" error={fieldError("name")}>
          {(aria) => <Input {...aria} value={name} onChange={(e) => setName(e.target.value)} />}
        </FormField>
        <FormField id="chain-description" label="Description" error={fieldError("description")}>
          {(aria) => <Textarea {...aria} rows={1} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </FormField>
      </div>

      <fieldset className="grid gap-3">
        <legend className="mb-1 text-sm font-medium">Inputs</legend>
        <p className="text-sm text-muted-foreground">What a run asks for. Steps bind their variables to these.</p>
        {inputs.map((input, i) => (
          <div key={i} className="flex items-start gap-2">
            <FormField id={`chain-input-${i}`} label={`Input ${i + 1}`} error={fieldError(`inputs[${i}]`)} className="flex-1">
              {(aria) => (
                <Input
                  {...aria}
                  value={input}
                  placeholder="topic"
                  onChange={(e) => setInputs(inputs.map((x, j) => (j === i ? e.target.value : x)))}
                />
              )}
            </FormField>
            <Button
              type="button"
              variant="ghost"
              size="icon"
              className="mt-6"
              aria-label={`Remove input ${i + 1}`}
              onClick={() => setInputs(inputs.filter((_, j) => j !== i))}
            >
              <XIcon aria-hidden="true" />
            </Button>
          </div>
        ))}
        <p className="text-sm font-medium text-destructive empty:hidden">{fieldError("inputs")}</p>
        <Button type="button" variant="outline" className="w-fit" onClick={() => setInputs([...inputs, ""])}>
          <PlusIcon aria-hidden="true" />
          Add input
        </Button>
      </fieldset>

      <section aria-label="Steps" className="grid gap-4">
        <h2 className="text-lg font-semibold">Steps</h2>
        {steps.map((step, i) => (
          <ChainStepEditor
            key={step.key}
            index={i}
            count={steps.length}
            step={step}
            prompts={prompts.data?.items ?? []}
            inputs={inputs.map((x) => x.trim()).filter(Boolean)}
            errors={stepFieldErrors(errors, i)}
            onChange={(s) => setSteps(steps.map((x, j) => (j === i ? s : x)))}
            onMove={(to) => setSteps(moveStep(steps, i, to))}
            onRemove={() => setSteps(removeStep(steps, i))}
          />
        ))}
        <p className="text-sm font-medium text-destructive empty:hidden">{fieldError("steps")}</p>
        <Button
          type="button"
          variant="outline"
          className="w-fit"
          disabled={steps.length >= CHAIN_STEPS_MAX}
          onClick={() => setSteps([...steps, { key: newKey(), promptId: "", version: null, model: "", bindings: {} }])}
        >
          <PlusIcon aria-hidden="true" />
          Add step
        </Button>
      </section>

      {problem ? (
        <Alert variant="destructive">
          <AlertTitle>Not saved</AlertTitle>
          <AlertDescription>{problem}</AlertDescription>
        </Alert>
      ) : null}
      <Button type="submit" className="w-fit" disabled={save.isPending}>
        <SaveIcon aria-hidden="true" />
        {chain ? "Save chain" : "Create chain"}
      </Button>
    </form>
  );
}
