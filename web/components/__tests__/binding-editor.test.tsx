import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";

import { BindingEditor } from "@/components/binding-editor";
import type { Binding } from "@/lib/validations/chain";

function Harness({ position, hasDefault = false, error }: { position: number; hasDefault?: boolean; error?: string }) {
  const [value, setValue] = useState<Binding | undefined>(undefined);
  return (
    <>
      <BindingEditor
        id="b"
        variable="topic"
        value={value}
        inputs={["subject", "tone"]}
        position={position}
        hasDefault={hasDefault}
        error={error}
        onChange={setValue}
      />
      <output data-testid="binding">{JSON.stringify(value ?? null)}</output>
    </>
  );
}

const current = () => JSON.parse(screen.getByTestId("binding").textContent ?? "null") as Binding | null;

describe("BindingEditor", () => {
  it("offers the chain's inputs and only the steps before this one", () => {
    render(<Harness position={3} />);
    const select = screen.getByLabelText("{{topic}}");
    const options = within(select)
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(options).toEqual(["Choose a value…", "Input: subject", "Input: tone", "Output of step 1", "Output of step 2", "Literal text"]);
  });

  it("offers no step outputs to the first step", () => {
    render(<Harness position={1} />);
    expect(within(screen.getByLabelText("{{topic}}")).queryByRole("option", { name: /Output of step/ })).toBeNull();
  });

  it("binds to an input, an earlier step, and literal text typed in", async () => {
    const user = userEvent.setup();
    render(<Harness position={2} />);
    const select = screen.getByLabelText("{{topic}}");

    await user.selectOptions(select, "Input: tone");
    expect(current()).toEqual({ input: "tone" });

    await user.selectOptions(select, "Output of step 1");
    expect(current()).toEqual({ step: 1 });
    expect(screen.queryByLabelText("Text for {{topic}}")).toBeNull();

    await user.selectOptions(select, "Literal text");
    await user.type(screen.getByLabelText("Text for {{topic}}"), "rivers");
    expect(current()).toEqual({ literal: "rivers" });

    await user.selectOptions(select, "Choose a value…");
    expect(current()).toBeNull();
  });

  it("lets a variable with a default stay unbound, and shows the server's error on the field", () => {
    render(<Harness position={1} hasDefault error="Step 1: bind {{topic}} to a chain input." />);
    const select = screen.getByLabelText("{{topic}}");
    expect(within(select).getByRole("option", { name: "Use the prompt's default" })).toBeInTheDocument();
    expect(select).toHaveAttribute("aria-invalid", "true");
    expect(select).toHaveAccessibleDescription("Step 1: bind {{topic}} to a chain input.");
  });
});
