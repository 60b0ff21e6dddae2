import { describe, expect, it } from "vitest";
import { openingWords, relativeTime } from "../../../app/(annotate)/annotate/[slug]/history/_components/format";

describe("a history row's prompt", () => {
  it("shows the opening words, collapsing white space, with an ellipsis when cut", () => {
    expect(openingWords("Why does\n\nbread   go stale?")).toBe("Why does bread go stale?");
    expect(openingWords("one two three four five", 3)).toBe("one two three …");
    expect(openingWords("")).toBe("");
  });

  it("shows a conversation's first user turn, not the system prompt", () => {
    expect(openingWords([{ role: "system", content: "Be brief." }, { role: "user", content: "Which tea?" }, { role: "user", content: "Later" }])).toBe("Which tea?");
    expect(openingWords([{ role: "assistant", content: "Hello there" }])).toBe("Hello there");
  });
});

describe("when a judgment was made", () => {
  const now = Date.UTC(2026, 0, 10, 12);
  it("reads as a person would say it", () => {
    expect(relativeTime(now - 5_000, now)).toBe("just now");
    expect(relativeTime(now + 5_000, now)).toBe("just now");
    expect(relativeTime(now - 5 * 60_000, now)).toBe("5 minutes ago");
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe("3 hours ago");
    expect(relativeTime(now - 30 * 3_600_000, now)).toBe("yesterday");
    expect(relativeTime(now - 15 * 86_400_000, now)).toBe("2 weeks ago");
    expect(relativeTime(now - 400 * 86_400_000, now)).toBe("last year");
  });
});
