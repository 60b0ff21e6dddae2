// `arbiter stats`: agreement, annotators, the model leaderboard and progress of a project.
import { projectStats, statsInput } from "@/lib/services/stats";
import { statsSummary } from "../stats-summary";
import { systemCtx, verb, type Command } from "../command";
import { checked, need } from "../flags";

export const stats: Command = {
  name: "stats",
  summary: "agreement, annotators, leaderboard, progress",
  verbs: [
    verb({
      usage: "--project S [--by KEY] [--rounds N] [--seed N]",
      summary: "agreement, annotators, leaderboard, progress",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        by: { type: "string", value: "KEY", help: "break win rates down by a candidate metadata key (or model)" },
        rounds: { type: "string", value: "N", help: "bootstrap rounds for the 95% intervals (0–2000, default 100)" },
        seed: { type: "string", value: "N", help: "the bootstrap's seed (default 1)" },
      },
      async run({ values, print }) {
        const input = checked(statsInput, { slug: need(values, "project"), by: values.by, rounds: values.rounds, seed: values.seed }, { slug: "project" });
        const stats = projectStats({ ctx: await systemCtx(values), input });
        print(statsSummary(stats), stats);
        return 0;
      },
    }),
  ],
};
