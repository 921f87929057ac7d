"use client";

import { PlayIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Textarea } from "@/components/ui/textarea";
import { useRunChain } from "@/hooks/use-chains";
import { isApiError, type FieldError } from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import type { Chain } from "@/lib/validations/chain";

/** Asks for a chain's inputs and starts a run, then opens the run's view. */
export function ChainRunForm({ chain }: { chain: Chain }) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const run = useRunChain(chain.id);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const inputs = Object.fromEntries(chain.inputs.map((name) => [name, values[name] ?? ""]));
    try {
      const started = await run.mutateAsync(inputs);
      router.push(`/chains/run/?id=${encodeURIComponent(started.id)}`);
    } catch (err) {
      if (isApiError(err, "validation_failed")) {
        setErrors(err.fieldErrors);
        setProblem(
          err.fieldErrors.some((e) => e.field.startsWith("steps"))
            ? "The chain no longer checks out against its prompts: open its definition and save it again."
            : null,
        );
        return;
      }
      setErrors([]);
      setProblem(errorMessage(err));
    }
  };

  return (
    <form aria-label="Run chain" className="grid gap-4" onSubmit={(e) => void submit(e)} noValidate>
      {chain.inputs.length === 0 ? <p className="text-sm text-muted-foreground">This chain takes no inputs.</p> : null}
      {chain.inputs.map((name) => (
        <FormField
          key={name}
          id={`run-input-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`}
          label={name}
          error={errors.find((e) => e.field === `inputs.${name}`)?.message}
        >
          {(aria) => (
            <Textarea {...aria} rows={2} value={values[name] ?? ""} onChange={(e) => setValues({ ...values, [name]: e.target.value })} />
          )}
        </FormField>
      ))}
      {problem ? (
        <Alert variant="destructive">
          <AlertDescription>{problem}</AlertDescription>
        </Alert>
      ) : null}
      <Button type="submit" className="w-fit" disabled={run.isPending}>
        <PlayIcon aria-hidden="true" />
        Run chain
      </Button>
    </form>
  );
}
