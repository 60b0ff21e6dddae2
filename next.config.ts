import type { NextConfig } from "next";
import { API_CSP, FIXED_PAGE_CSP, HSTS, PERMISSIONS_POLICY } from "./lib/http/headers";

// Security headers (README "Security"). The page policy with its nonce comes from proxy.ts; these
// are the headers every response gets, the policy of API responses, and the fixed policy of the
// page requests the proxy skips (those with a body: server actions and form posts).
const PAGES = "/((?!api/|_next/static|_next/image|favicon.ico).*)";

const config: NextConfig = {
  // rate-limiter-flexible: its index loads drizzle-orm with a computed dynamic import, and the sign-in
  // throttle imports the store base class from the package's own file; Node resolves both at run time.
  serverExternalPackages: ["better-sqlite3", "rate-limiter-flexible"],
  poweredByHeader: false,
  experimental: {
    // The largest server-action form is a project's settings (guidelines up to 100,000 characters
    // and a judgment schema); imports go to the HTTP API, whose limit is ARBITER_MAX_UPLOAD_MB.
    serverActions: { bodySizeLimit: "1mb" },
    // What Next.js copies of a request body for proxy.ts; only the sign-in endpoint reaches the
    // proxy with a body, and its limit is 16 KiB (lib/http/limits.ts).
    proxyClientMaxBodySize: 16 * 1024,
    // forbidden() and app/forbidden.tsx: a signed-in user on a page their role may not see gets a 403 page.
    authInterrupts: true,
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https.*" }], headers: [{ key: "Strict-Transport-Security", value: HSTS }] },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      { source: PAGES, has: [{ type: "header", key: "content-length" }], headers: [{ key: "Content-Security-Policy", value: FIXED_PAGE_CSP }] },
      { source: PAGES, has: [{ type: "header", key: "transfer-encoding" }], headers: [{ key: "Content-Security-Policy", value: FIXED_PAGE_CSP }] },
      { source: PAGES, has: [{ type: "header", key: "next-action" }], headers: [{ key: "Content-Security-Policy", value: FIXED_PAGE_CSP }] },
    ];
  },
};

export default config;
