import type { NextConfig } from "next";

const config: NextConfig = {
  serverExternalPackages: ["better-sqlite3"],
  poweredByHeader: false,
  // Imports from the admin page arrive as a server action upload; the HTTP API has no such limit.
  experimental: { serverActions: { bodySizeLimit: "200mb" } },
};

export default config;
