"use client";

import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { bindingChoice, bindingFromChoice } from "@/lib/chain-steps";
import type { Binding } from "@/lib/validations/chain";

export interface BindingEditorProps {
  /** id prefix of the controls. */
  id: string;
  /** The template variable being bound. */
  variable: string;
  value: Binding | undefined;
  /** The chain's declared inputs. */
  inputs: readonly string[];
  /** Position (from 1) of the step being edited: only the steps before it are offered. */
  position: number;
  /** Whether the variable has a default value, so it may stay unbound. */
  hasDefault: boolean;
  error?: string;
  onChange: (binding: Binding | undefined) => void;
}

/**
 * Binds one variable of a step: to a chain input, to the output of an
 * earlier step, or to literal text typed here. Later steps are never
 * offered; a variable with a default may stay unbound.
 */
export function BindingEditor({ id, variable, value, inputs, position, hasDefault, error, onChange }: BindingEditorProps) {
  const choice = bindingChoice(value);
  const earlier = Array.from({ length: position - 1 }, (_, i) => i + 1);
  // A binding to an input that was renamed or removed stays selectable so the error is visible.
  const staleInput = value && "input" in value && !inputs.includes(value.input) ? value.input : null;
  return (
    <div className="grid gap-2 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)] sm:items-start">
      <FormField id={`${id}-source`} label={`{{${variable}}}`} error={error}>
        {(aria) => (
          <Select {...aria} value={choice} onChange={(e) => onChange(bindingFromChoice(e.target.value, value))}>
            <option value="">{hasDefault ? "Use the prompt's default" : "Choose a value…"}</option>
            {inputs.length > 0 || staleInput ? (
              <optgroup label="Chain input">
                {inputs.map((name) => (
                  <option key={name} value={`input:${name}`}>
                    Input: {name}
                  </option>
                ))}
                {staleInput ? <option value={`input:${staleInput}`}>Input: {staleInput} (not declared)</option> : null}
              </optgroup>
            ) : null}
            {earlier.length > 0 ? (
              <optgroup label="Earlier step">
                {earlier.map((n) => (
                  <option key={n} value={`step:${n}`}>
                    Output of step {n}
                  </option>
                ))}
              </optgroup>
            ) : null}
            <option value="literal">Literal text</option>
          </Select>
        )}
      </FormField>
      {value && "literal" in value ? (
        <FormField id={`${id}-literal`} label={`Text for {{${variable}}}`}>
          {(aria) => <Input {...aria} value={value.literal} onChange={(e) => onChange({ literal: e.target.value })} />}
        </FormField>
      ) : null}
    </div>
  );
}
