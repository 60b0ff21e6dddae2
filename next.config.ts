import type { NextConfig } from "next";

const config: NextConfig = {
  // rate-limiter-flexible loads drizzle-orm with a computed dynamic import, which only Node resolves.
  serverExternalPackages: ["better-sqlite3", "rate-limiter-flexible"],
  poweredByHeader: false,
  // Imports from the admin page arrive as a server action upload; the HTTP API has no such limit.
  experimental: { serverActions: { bodySizeLimit: "200mb" } },
};

export default config;
