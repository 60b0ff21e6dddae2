// The environment Arbiter reads, validated once: a bad value fails the start, not the first request.
import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  ARBITER_DB: z.string().min(1).optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  NEXTAUTH_URL: z.string().url("must be a URL such as http://localhost:3000").optional(),
  /** The largest import upload the HTTP API accepts, in MiB (lib/http/limits.ts). */
  ARBITER_MAX_UPLOAD_MB: z.coerce.number().int("must be a whole number of MiB").min(1, "must be at least 1").max(1_048_576).optional(),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse({ ...source, NEXTAUTH_SECRET: source.NEXTAUTH_SECRET || source.AUTH_SECRET || undefined });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
