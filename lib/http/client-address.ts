// The address a request came from, for throttling: the last X-Forwarded-For entry. Next.js sets the
// header from the socket when the client sent none; a reverse proxy appends the address it saw.
// Without a proxy a client can write the header itself, so the per-account limit is the one that
// always holds (README, "Accounts").

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export function clientAddress(headers: HeaderSource | undefined): string | undefined {
  if (!headers) return undefined;
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  const last = value?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last ? last.replace(/^::ffff:/, "").slice(0, 100) : undefined;
}
