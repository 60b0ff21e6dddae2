"use client";
// Sends the browser's time zone to the report page: a report opened without `tz` is reloaded with
// the viewer's zone, so its days are the viewer's days (the server cannot know the zone otherwise).
import { useEffect } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

export function BrowserZone() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    const next = new URLSearchParams(params);
    next.set("tz", zone);
    router.replace(`${pathname}?${next}`);
  }, [router, pathname, params]);
  return (
    <p className="muted" role="status" data-testid="report-zone-pending">
      Reading your time zone…
    </p>
  );
}
