import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Toaster } from "sonner";

import { LeaderboardTable } from "@/components/leaderboard-table";
import { LeaderboardView } from "@/components/leaderboard-view";
import { ApiError, getLeaderboard, votePrompt } from "@/lib/api";
import { getPb } from "@/lib/pocketbase";
import type { Leaderboard, LeaderboardItem, VoteTally } from "@/lib/validations/leaderboard";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, getLeaderboard: jest.fn(), votePrompt: jest.fn(), getMe: jest.fn(() => new Promise(() => {})) };
});
jest.mock("next/navigation", () => ({ useRouter: () => ({ push: jest.fn(), replace: jest.fn() }) }));

const getLeaderboardMock = jest.mocked(getLeaderboard);
const voteMock = jest.mocked(votePrompt);

function item(rank: number, overrides: Partial<LeaderboardItem> = {}): LeaderboardItem {
  return {
    rank,
    previousRank: rank,
    movement: 0,
    prompt: { id: `p${rank}`, title: `Prompt ${rank}`, description: "", tags: ["writing"], version: 2, publishedAt: "2026-11-30T10:00:00Z" },
    author: { id: "author", name: "Ann" },
    executions24h: 10 * rank,
    activity: Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? rank : 0)),
    votes: { up: 5, down: 1, net: 4, mine: 0 },
    forks: 3,
    scores: { weighted: 0.5, wilson: 0.4, decay: 0.9, final: 0.4 },
    ...overrides,
  };
}

function board(items: LeaderboardItem[]): Leaderboard {
  return {
    run: { id: "run2", computedAt: new Date().toISOString(), durationMs: 12, candidates: 10, entries: items.length, maxE: 30, maxV: 4 },
    previousRunAt: new Date(Date.now() - 3_600_000).toISOString(),
    sort: "rank",
    tag: "",
    items,
    total: items.length,
  };
}

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

function signIn(id = "voter") {
  const token = `${base64url({ alg: "HS256" })}.${base64url({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
  act(() => getPb().authStore.save(token, { id, collectionId: "users", collectionName: "users", email: "v@example.com", name: "Vic" }));
}

beforeEach(() => {
  getLeaderboardMock.mockReset();
  voteMock.mockReset();
});

afterEach(() => {
  act(() => getPb().authStore.clear());
});

describe("LeaderboardTable", () => {
  it("shows rank, movement, title linking to the public page, author, tags, runs with a sparkline, votes and forks", () => {
    const items = [
      item(1, { movement: 2, previousRank: 3 }),
      item(2, { movement: -1, previousRank: 1, prompt: { ...item(2).prompt, tags: [] } }),
      item(3, { movement: null, previousRank: null, author: { id: "x", name: "" } }),
      item(4),
    ];
    renderWithClient(<LeaderboardTable items={items} hasPrevious onFork={jest.fn()} />);
    const rows = screen.getAllByTestId("leaderboard-row");
    expect(rows).toHaveLength(4);
    const row = (i: number) => within(rows[i] as HTMLElement);

    const first = row(0);
    expect(first.getByLabelText("Rank 1")).toHaveTextContent("1");
    expect(first.getByLabelText("Up 2")).toBeInTheDocument();
    expect(first.getByRole("link", { name: "Prompt 1" })).toHaveAttribute("href", expect.stringMatching(/^\/p\/view\/?\?id=p1$/));
    expect(first.getByText(/by Ann · v2/)).toBeInTheDocument();
    expect(first.getByRole("list", { name: "Tags" })).toHaveTextContent("writing");
    expect(first.getByTestId("executions-24h")).toHaveTextContent("10");
    expect(first.getByRole("img", { name: "10 runs in the last 24 hours, hour by hour" })).toBeInTheDocument();
    expect(first.getByTestId("vote-count")).toHaveTextContent("4");
    expect(first.getByRole("button", { name: "Fork Prompt 1" })).toBeInTheDocument();

    expect(row(1).getByLabelText("Down 1")).toBeInTheDocument();
    expect(row(1).queryByRole("list", { name: "Tags" })).toBeNull();
    expect(row(2).getByLabelText("New since the last run")).toBeInTheDocument();
    expect(row(2).getByText(/by Unnamed author/)).toBeInTheDocument();
    expect(row(3).getByLabelText("No change")).toBeInTheDocument();
  });

  it("shows no movement before a second run and no fork button when signed out", () => {
    renderWithClient(<LeaderboardTable items={[item(1, { movement: null, previousRank: null })]} hasPrevious={false} />);
    expect(screen.queryByTestId("movement")).toBeNull();
    expect(screen.queryByRole("button", { name: /Fork/ })).toBeNull();
  });
});

describe("VoteControl on the leaderboard", () => {
  it("shows an upvote at once, then the server's tally", async () => {
    signIn();
    getLeaderboardMock.mockResolvedValue(board([item(1)]));
    let answer: (t: VoteTally) => void = () => undefined;
    voteMock.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    const user = userEvent.setup();
    renderWithClient(<LeaderboardView />);

    const votes = await screen.findByRole("group", { name: "Votes for Prompt 1" });
    await user.click(within(votes).getByRole("button", { name: "Upvote" }));

    // Before the server answers: the optimistic tally.
    expect(within(votes).getByTestId("vote-count")).toHaveTextContent("5");
    expect(within(votes).getByRole("button", { name: "Upvote" })).toHaveAttribute("aria-pressed", "true");
    expect(voteMock).toHaveBeenCalledWith("p1", 1);

    // The server counted another vote meanwhile: its tally wins.
    await act(async () => answer({ up: 7, down: 1, net: 6, mine: 1 }));
    await waitFor(() => expect(within(votes).getByTestId("vote-count")).toHaveTextContent("6"));

    // Clicking the chosen arrow again retracts the vote.
    voteMock.mockResolvedValue({ up: 6, down: 1, net: 5, mine: 0 });
    await user.click(within(votes).getByRole("button", { name: "Upvote" }));
    expect(voteMock).toHaveBeenLastCalledWith("p1", 0);
    await waitFor(() => expect(within(votes).getByRole("button", { name: "Upvote" })).toHaveAttribute("aria-pressed", "false"));
  });

  it("rolls back a refused vote and says why", async () => {
    signIn();
    getLeaderboardMock.mockResolvedValue(board([item(1, { votes: { up: 5, down: 1, net: 4, mine: 1 } })]));
    let refuse: (e: unknown) => void = () => undefined;
    voteMock.mockImplementation(() => new Promise((_, reject) => (refuse = reject)));
    const user = userEvent.setup();
    renderWithClient(
      <>
        <LeaderboardView />
        <Toaster />
      </>,
    );

    const votes = await screen.findByRole("group", { name: "Votes for Prompt 1" });
    await user.click(within(votes).getByRole("button", { name: "Downvote" }));
    // Switching from up to down moves the net by two at once.
    expect(within(votes).getByTestId("vote-count")).toHaveTextContent("2");
    expect(within(votes).getByRole("button", { name: "Downvote" })).toHaveAttribute("aria-pressed", "true");

    await act(async () =>
      refuse(new ApiError({ status: 403, code: "forbidden", detail: "Verify your e-mail address to vote.", extra: { reason: "unverified" } })),
    );
    await waitFor(() => expect(within(votes).getByTestId("vote-count")).toHaveTextContent("4"));
    expect(within(votes).getByRole("button", { name: "Upvote" })).toHaveAttribute("aria-pressed", "true");
    expect(await screen.findByText("Verify your e-mail address to vote.")).toBeInTheDocument();
  });

  it("does not let an author vote on their own prompt, and asks signed-out visitors to sign in", async () => {
    signIn("author");
    getLeaderboardMock.mockResolvedValue(board([item(1)]));
    renderWithClient(<LeaderboardView />);
    const votes = await screen.findByRole("group", { name: "Votes for Prompt 1" });
    expect(within(votes).getByRole("button", { name: "Upvote" })).toBeDisabled();

    act(() => getPb().authStore.clear());
    await waitFor(() => expect(within(votes).getByRole("button", { name: "Upvote" })).toBeEnabled());
    await userEvent.setup().click(within(votes).getByRole("button", { name: "Upvote" }));
    expect(voteMock).not.toHaveBeenCalled();
  });
});
