import { bindingChoice, bindingFromChoice, moveStep, removeStep, stepFieldErrors, type StepDraft } from "@/lib/chain-steps";

function step(key: string, bindings: StepDraft["bindings"] = {}): StepDraft {
  return { key, promptId: `p-${key}`, version: null, model: "openai:gpt-4o-mini", bindings };
}

describe("moveStep", () => {
  it("keeps step bindings pointing at the same steps", () => {
    const steps = [step("a"), step("b", { x: { step: 1 } }), step("c", { y: { step: 2 }, z: { input: "topic" } })];
    const moved = moveStep(steps, 0, 1); // b, a, c
    expect(moved.map((s) => s.key)).toEqual(["b", "a", "c"]);
    expect(moved[0]!.bindings).toEqual({ x: { step: 2 } });
    expect(moved[2]!.bindings).toEqual({ y: { step: 1 }, z: { input: "topic" } });
  });

  it("ignores a move past either end", () => {
    const steps = [step("a"), step("b")];
    expect(moveStep(steps, 1, 2).map((s) => s.key)).toEqual(["a", "b"]);
  });
});

describe("removeStep", () => {
  it("drops bindings to the removed step and renumbers later ones", () => {
    const steps = [step("a"), step("b"), step("c", { x: { step: 2 }, y: { step: 1 } }), step("d", { z: { step: 3 } })];
    const left = removeStep(steps, 1);
    expect(left.map((s) => s.key)).toEqual(["a", "c", "d"]);
    expect(left[1]!.bindings).toEqual({ y: { step: 1 } });
    expect(left[2]!.bindings).toEqual({ z: { step: 2 } });
  });
});

describe("binding choices", () => {
  it("round-trips each kind of binding", () => {
    expect(bindingChoice({ input: "topic" })).toBe("input:topic");
    expect(bindingChoice({ step: 2 })).toBe("step:2");
    expect(bindingChoice({ literal: "x" })).toBe("literal");
    expect(bindingChoice(undefined)).toBe("");
    expect(bindingFromChoice("input:topic", undefined)).toEqual({ input: "topic" });
    expect(bindingFromChoice("step:2", undefined)).toEqual({ step: 2 });
    expect(bindingFromChoice("literal", { literal: "kept" })).toEqual({ literal: "kept" });
    expect(bindingFromChoice("literal", { step: 1 })).toEqual({ literal: "" });
    expect(bindingFromChoice("", { step: 1 })).toBeUndefined();
  });
});

describe("stepFieldErrors", () => {
  it("keeps the errors of one step, keyed by their field inside it", () => {
    const errors = [
      { field: "steps[1].bindings.topic", message: "Step 2 can use only the outputs of steps before it." },
      { field: "steps[10].model", message: "other step" },
      { field: "name", message: "name" },
    ];
    expect(stepFieldErrors(errors, 1)).toEqual({ "bindings.topic": "Step 2 can use only the outputs of steps before it." });
  });
});
