// The judgment-schema textarea of the new-project form and the project page: blank means plain
// pairwise; otherwise JSON checked by projectJudgmentSchema. A plain module: "use server" files
// export only async functions.
import { projectJudgmentSchema } from "@/lib/formats/judgment";
import { zodMessage } from "@/lib/services/errors";

export function judgmentSchemaField(text: string | undefined): { value?: unknown; error?: string } {
  if (!text?.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
  const parsed = projectJudgmentSchema.safeParse(json);
  return parsed.success ? { value: parsed.data } : { error: zodMessage(parsed.error) };
}
