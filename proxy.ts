// Runs before pages and the sign-in endpoint (README "Security"). Pages: a Content-Security-Policy
// with a fresh nonce, which Next.js reads from the request header and puts on its scripts. Sign-in:
// a body over 16 KiB is refused before anything reads it. /api/v1 does its own checks in
// lib/http/respond.ts, so the claim path pays nothing here.
import { NextResponse, type NextRequest } from "next/server";
import { HSTS, PAGE_PATH_HEADER, newNonce, pageCsp } from "@/lib/http/headers";
import { BODY_LIMITS, formatBytes } from "@/lib/http/limits";

export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;
  // Next.js would fail to decode such a path and answer a plain-text 500; no slug or id has one.
  if (!decodable(pathname)) return NextResponse.json({ error: { code: "bad_request", message: "The URL path is not valid percent-encoded UTF-8." } }, { status: 400 });
  if (pathname.startsWith("/api/auth/")) return limitSignIn(request);
  if (pathname.startsWith("/api/")) return NextResponse.next();
  const nonce = newNonce();
  const https = request.nextUrl.protocol === "https:";
  // The workspace may show remote images when its project allows them; its renderer decides which.
  const remoteImages = pathname.startsWith("/annotate/");
  const csp = pageCsp({ nonce, dev: process.env.NODE_ENV === "development", https, remoteImages });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  // The forbidden page (app/forbidden.tsx) names the page the visitor tried.
  headers.set(PAGE_PATH_HEADER, pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  if (https) response.headers.set("strict-transport-security", HSTS);
  return response;
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * next-auth reads the whole body itself, so the sign-in endpoint's limit is checked here: a body
 * must declare its length (every browser form and fetch does) and stay within BODY_LIMITS.login.
 * next.config.ts caps what Next.js copies of a body for this proxy at the same size.
 */
function limitSignIn(request: NextRequest): NextResponse {
  if (request.method === "GET" || request.method === "HEAD") return NextResponse.next();
  const declared = request.headers.get("content-length");
  if (declared === null ? request.headers.has("transfer-encoding") : Number(declared) > BODY_LIMITS.login) {
    const message = `The sign-in request body must declare its length and be at most ${formatBytes(BODY_LIMITS.login)}.`;
    return NextResponse.json({ error: { code: "payload_too_large", message } }, { status: 413, headers: { connection: "close" } });
  }
  return NextResponse.next();
}

export const config = {
  matcher: [
    "/api/auth/:path*",
    // An API path with a non-ASCII or broken percent-escape: slugs and ids are ASCII, so such a
    // path names nothing, and only the proxy sees it before Next.js fails to decode it.
    "/api/:rest(.*%[89a-fA-F][0-9a-fA-F].*)",
    "/api/:rest(.*%(?![0-9a-fA-F]{2}).*)",
    {
      // Pages, read without a body. A request with a body (a server action, a form post) is left
      // alone: this proxy would copy its body, and the copy is capped at the sign-in limit.
      // next.config.ts gives those responses a fixed policy instead.
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "content-length" },
        { type: "header", key: "transfer-encoding" },
        { type: "header", key: "next-action" },
      ],
    },
  ],
};
