// `arbiter qualification list|reset`: who has qualified in a project, and starting an annotator's new attempt.
import { listQualifications, resetQualification } from "@/lib/services/qualification";
import { systemCtx, verb, type Command } from "../command";
import { need } from "../flags";

const project = { type: "string", value: "S", help: "the project's slug" } as const;
const email = { type: "string", value: "E", help: "the annotator's email address" } as const;

const pct = (x: number | null) => (x == null ? "–" : `${Math.round(x * 1000) / 10}%`);

export const qualification: Command = {
  name: "qualification",
  summary: "who has qualified in a project; reset an annotator's attempt",
  verbs: [
    verb({
      name: "list",
      usage: "--project S",
      summary: "each annotator's qualification: status, attempt, judged, accuracy",
      flags: { project },
      async run({ values, print }) {
        const slug = need(values, "project");
        const list = listQualifications({ ctx: await systemCtx(values), input: { slug } });
        const head =
          list.required == null
            ? `Project ${slug} asks for no qualification.`
            : `Project ${slug}: ${list.required} gold item(s), ${pct(list.accuracy_required)} to pass.`;
        const rows = list.annotators.map((a) => `${a.email}\t${a.status}\tattempt ${a.attempt}\t${a.judged}/${a.required} judged\t${a.correct} right\t${pct(a.accuracy)}`);
        print([head, ...(rows.length ? rows : list.required == null ? [] : ["Nobody has started it yet."])].join("\n"), list);
        return 0;
      },
    }),
    verb({
      name: "reset",
      usage: "--project S --email E",
      summary: "start a new attempt (the earlier one's gold judgments no longer count)",
      flags: { project, email },
      async run({ values, print }) {
        const input = { slug: need(values, "project"), email: need(values, "email") };
        const attempt = resetQualification({ ctx: await systemCtx(values), input });
        print(`Reset ${input.email}'s qualification in ${input.slug}: attempt ${attempt.attempt} starts, pending.`, attempt);
        return 0;
      },
    }),
  ],
};
