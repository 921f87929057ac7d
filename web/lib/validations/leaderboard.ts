import { z } from "zod";

import { promptContentSchema } from "@/lib/validations/prompt";

/** Where a forked prompt came from. */
export const forkOriginSchema = z.object({
  promptId: z.string(),
  version: z.number().int(),
  authorId: z.string(),
});
export type ForkOrigin = z.infer<typeof forkOriginSchema>;

/** A vote value: up (1), down (-1) or none (0). */
export type VoteValue = -1 | 0 | 1;

/** A prompt's votes, with the caller's own (0 when none or signed out). */
export const voteTallySchema = z.object({
  up: z.number().int(),
  down: z.number().int(),
  net: z.number().int(),
  mine: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
});
export type VoteTally = z.infer<typeof voteTallySchema>;

/** A public author: the name is empty when the user has none (e-mail is never shown). */
export const authorSchema = z.object({ id: z.string(), name: z.string() });
export type Author = z.infer<typeof authorSchema>;

/** The tally after the caller changes their vote to `next`. */
export function applyVote(tally: VoteTally, next: VoteValue): VoteTally {
  let { up, down } = tally;
  if (tally.mine === 1) up -= 1;
  if (tally.mine === -1) down -= 1;
  if (next === 1) up += 1;
  if (next === -1) down += 1;
  return { up, down, net: up - down, mine: next };
}

/** The sorts of the leaderboard. */
export const leaderboardSortSchema = z.enum(["rank", "executions", "votes", "wilson", "newest"]);
export type LeaderboardSort = z.infer<typeof leaderboardSortSchema>;

export const leaderboardRunSchema = z.object({
  id: z.string(),
  computedAt: z.string(),
  durationMs: z.number(),
  candidates: z.number().int(),
  entries: z.number().int(),
  maxE: z.number().int(),
  maxV: z.number().int(),
});
export type LeaderboardRun = z.infer<typeof leaderboardRunSchema>;

/** One ranked prompt of `GET /api/v1/leaderboard`. */
export const leaderboardItemSchema = z.object({
  rank: z.number().int(),
  previousRank: z.number().int().nullable(),
  movement: z.number().int().nullable(),
  prompt: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    version: z.number().int(),
    publishedAt: z.string(),
  }),
  author: authorSchema,
  executions24h: z.number().int(),
  activity: z.array(z.number()),
  votes: voteTallySchema,
  forks: z.number().int(),
  scores: z.object({ weighted: z.number(), wilson: z.number(), decay: z.number(), final: z.number() }),
});
export type LeaderboardItem = z.infer<typeof leaderboardItemSchema>;

/** Response of `GET /api/v1/leaderboard`. */
export const leaderboardSchema = z.object({
  run: leaderboardRunSchema.nullable(),
  previousRunAt: z.string().nullable(),
  sort: z.string(),
  tag: z.string(),
  items: z.array(leaderboardItemSchema),
  total: z.number().int(),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;

/** Response of `GET /api/v1/public/prompts/{id}`: the published version only. */
export const publicPromptSchema = promptContentSchema.extend({
  id: z.string(),
  version: z.number().int(),
  publishedAt: z.string(),
  authorId: z.string(),
  author: authorSchema,
  forkedFrom: forkOriginSchema.nullable(),
  stats: z.object({
    executions: z.number().int(),
    votesUp: z.number().int(),
    votesDown: z.number().int(),
    forks: z.number().int(),
  }),
  executions24h: z.number().int(),
  activity: z.array(z.number()),
  rank: z.number().int().nullable(),
  votes: voteTallySchema,
});
export type PublicPrompt = z.infer<typeof publicPromptSchema>;

/** The author's display name, or a neutral stand-in. */
export function authorName(a: Author): string {
  return a.name.trim() || "Unnamed author";
}
