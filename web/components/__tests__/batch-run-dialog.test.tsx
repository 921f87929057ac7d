import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { BatchRunDialog } from "@/components/batch-run-dialog";
import { ApiError, createBatch, listModels } from "@/lib/api";
import type { Batch } from "@/lib/validations/batch";
import type { Prompt } from "@/lib/validations/prompt";
import { renderWithClient } from "@/test/render";

const push = jest.fn();
jest.mock("next/navigation", () => ({
  useRouter: () => ({ push, replace: jest.fn() }),
  useSearchParams: () => new URLSearchParams(),
}));

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, listModels: jest.fn(), createBatch: jest.fn() };
});

const listModelsMock = jest.mocked(listModels);
const createBatchMock = jest.mocked(createBatch);

const prompt: Prompt = {
  id: "p1",
  workspaceId: "ws_me",
  title: "Greeter",
  description: "",
  promptText: "Say hello to {{name}} in {{language}}.",
  tags: [],
  modelWhitelist: [],
  defaultModel: "openai:gpt-4o-mini",
  defaultParams: {},
  variables: [{ name: "name" }, { name: "language", default: "French" }],
  status: "published",
  visibility: "private",
  latestVersion: 2,
  publishedVersion: 2,
  hasDraftChanges: false,
  ownerId: "u1",
  createdBy: "u1",
  updatedBy: "u1",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  deletedAt: null,
};

const queued = { id: "b1", status: "queued" } as Batch;

// jsdom's Blob has no text(); browsers do.
if (!("text" in Blob.prototype)) {
  Object.defineProperty(Blob.prototype, "text", {
    value(this: Blob) {
      return new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsText(this);
      });
    },
  });
}

beforeEach(() => {
  push.mockReset();
  listModelsMock.mockReset().mockResolvedValue({
    providers: [
      { id: "openai", name: "OpenAI", usable: true },
      { id: "anthropic", name: "Anthropic", usable: true },
    ],
    models: [
      { id: "openai:gpt-4o-mini", name: "GPT-4o mini", provider: "openai", usable: true },
      { id: "anthropic:claude-haiku-4-5", name: "Claude Haiku 4.5", provider: "anthropic", usable: true },
    ],
  });
  createBatchMock.mockReset();
});

function csvFile(text: string, name = "rows.csv") {
  return new File([text], name, { type: "text/csv" });
}

describe("BatchRunDialog", () => {
  it("previews the CSV's columns and rows, then starts the batch on the chosen models and opens it", async () => {
    const user = userEvent.setup();
    createBatchMock.mockResolvedValue(queued);
    renderWithClient(<BatchRunDialog prompt={prompt} open onOpenChange={jest.fn()} />);
    const form = screen.getByRole("form", { name: "Run as batch" });
    const text = "name,language\nAda,English\nBob,\nCy,Italian\n";
    await user.upload(within(form).getByLabelText("Rows file"), csvFile(text));

    const preview = await within(form).findByTestId("batch-preview");
    expect(preview).toHaveTextContent("3 rows, columns name, language");
    expect(within(preview).getByRole("table", { name: "First rows" })).toHaveTextContent("Bob");

    const defaultModel = await within(form).findByRole("checkbox", { name: "GPT-4o mini" });
    expect(defaultModel).toBeChecked();
    await user.click(within(form).getByRole("checkbox", { name: "Claude Haiku 4.5" }));
    await user.click(within(form).getByRole("button", { name: "Start batch" }));

    await waitFor(() => expect(push).toHaveBeenCalledWith("/batches/view/?id=b1"));
    expect(createBatchMock).toHaveBeenCalledWith("p1", {
      models: ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"],
      version: 2,
      upload: { kind: "csv", text },
    });
  });

  it("blocks a file without a column for a variable that has no default", async () => {
    const user = userEvent.setup();
    renderWithClient(<BatchRunDialog prompt={prompt} open onOpenChange={jest.fn()} />);
    const form = screen.getByRole("form", { name: "Run as batch" });
    await user.upload(within(form).getByLabelText("Rows file"), csvFile("language\nGerman\n"));
    expect(await within(form).findByText(/Add a column for \{\{name\}\}/)).toBeInTheDocument();
    expect(within(form).getByRole("button", { name: "Start batch" })).toBeDisabled();
    expect(createBatchMock).not.toHaveBeenCalled();
  });

  it("lists the rows the server refused and starts nothing", async () => {
    const user = userEvent.setup();
    createBatchMock.mockRejectedValue(
      new ApiError({
        status: 422,
        code: "invalid_rows",
        detail: "1 of 2 rows are invalid; nothing was started.",
        extra: { rows: [{ row: 2, errors: [{ field: "name", code: "missing", message: "Give a value for name." }] }], invalidRows: 1 },
      }),
    );
    renderWithClient(<BatchRunDialog prompt={prompt} open onOpenChange={jest.fn()} />);
    const form = screen.getByRole("form", { name: "Run as batch" });
    await user.upload(within(form).getByLabelText("Rows file"), csvFile("name\nAda\n\"\"\n"));
    await within(form).findByTestId("batch-preview");
    await user.click(within(form).getByRole("button", { name: "Start batch" }));

    const rows = await within(form).findByRole("list", { name: "Invalid rows" });
    expect(rows).toHaveTextContent("Row 2: Give a value for name.");
    expect(within(form).getByText("1 of 2 rows are invalid; nothing was started.")).toBeInTheDocument();
    expect(push).not.toHaveBeenCalled();
  });

  it("refuses an unreadable file before sending anything", async () => {
    const user = userEvent.setup();
    renderWithClient(<BatchRunDialog prompt={prompt} open onOpenChange={jest.fn()} />);
    const form = screen.getByRole("form", { name: "Run as batch" });
    await user.upload(within(form).getByLabelText("Rows file"), new File(["[{"], "rows.json", { type: "application/json" }));
    expect(await within(form).findByText("This file is not valid JSON.")).toBeInTheDocument();
    await user.click(within(form).getByRole("button", { name: "Start batch" }));
    expect(await within(form).findByText("Choose a CSV or JSON file of rows.")).toBeInTheDocument();
    expect(createBatchMock).not.toHaveBeenCalled();
  });
});
