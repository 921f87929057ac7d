import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";

import { TagInput } from "@/components/tag-input";
import { normalizeTags } from "@/lib/validations/prompt";

function Harness({ initial = [], suggestions = [], onChange }: { initial?: string[]; suggestions?: string[]; onChange?: (t: string[]) => void }) {
  const [tags, setTags] = useState<string[]>(initial);
  return (
    <>
      <label htmlFor="tags">Tags</label>
      <TagInput
        id="tags"
        value={tags}
        suggestions={suggestions}
        onChange={(t) => {
          setTags(t);
          onChange?.(t);
        }}
      />
      <output data-testid="tags">{JSON.stringify(tags)}</output>
    </>
  );
}

const current = () => JSON.parse(screen.getByTestId("tags").textContent ?? "[]") as string[];

describe("normalizeTags", () => {
  it("trims, lower-cases and deduplicates, keeping first-seen order", () => {
    expect(normalizeTags(["  Foo ", "bar", "FOO", "", "  ", "Bar", "baz"])).toEqual(["foo", "bar", "baz"]);
  });
});

describe("TagInput", () => {
  it("adds normalized tags on Enter and comma, ignoring duplicates", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const input = screen.getByLabelText("Tags");

    await user.type(input, "  Writing {Enter}");
    await user.type(input, "AI,");
    await user.type(input, "writing{Enter}");
    expect(current()).toEqual(["writing", "ai"]);
    expect(input).toHaveValue("");
  });

  it("adds every tag of a pasted comma-separated list", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByLabelText("Tags"));
    await user.paste("One, TWO ,three");
    expect(current()).toEqual(["one", "two"]);
    expect(screen.getByLabelText("Tags")).toHaveValue("three");
  });

  it("removes the last tag with Backspace on an empty input, or one by its button", async () => {
    const user = userEvent.setup();
    render(<Harness initial={["a", "b", "c"]} />);
    await user.click(screen.getByLabelText("Tags"));
    await user.keyboard("{Backspace}");
    expect(current()).toEqual(["a", "b"]);
    await user.click(screen.getByRole("button", { name: "Remove tag a" }));
    expect(current()).toEqual(["b"]);
  });

  it("refuses a tag longer than 32 characters", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(screen.getByLabelText("Tags"), `${"x".repeat(33)}{Enter}`);
    expect(current()).toEqual([]);
    expect(screen.getByRole("alert")).toHaveTextContent("Tags are at most 32 characters.");
  });

  it("refuses a 21st tag", async () => {
    const user = userEvent.setup();
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    render(<Harness initial={twenty} />);
    await user.type(screen.getByLabelText("Tags"), "one-more{Enter}");
    expect(current()).toHaveLength(20);
    expect(screen.getByRole("alert")).toHaveTextContent("A prompt has at most 20 tags.");
  });

  it("offers matching suggestions that are not chosen yet", async () => {
    const user = userEvent.setup();
    render(<Harness initial={["code"]} suggestions={["code", "coding", "writing"]} />);
    await user.type(screen.getByLabelText("Tags"), "co");
    expect(screen.queryByRole("button", { name: "Add tag code" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add tag writing" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add tag coding" }));
    expect(current()).toEqual(["code", "coding"]);
  });
});
