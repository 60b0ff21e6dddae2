"use client";
import { memo } from "react";
import type { Prompt as PromptValue } from "@/lib/formats/record";
import { Markdown } from "./Markdown";

/** A single-turn prompt as text; a conversation as chat turns, the system prompt collapsed. */
export const Prompt = memo(function Prompt({ prompt }: { prompt: PromptValue }) {
  if (typeof prompt === "string") {
    return (
      <section className="ws-prompt" aria-label="Prompt" data-testid="prompt">
        <Markdown text={prompt} />
      </section>
    );
  }
  return (
    <section className="ws-prompt" aria-label="Conversation" data-testid="prompt">
      {prompt.map((m, i) =>
        m.role === "system" ? (
          <details key={i} className="turn system">
            <summary className="role">system prompt</summary>
            <Markdown text={m.content} />
          </details>
        ) : (
          <div key={i} className={`turn ${m.role}`}>
            <div className="role">{m.role}</div>
            <Markdown text={m.content} />
          </div>
        ),
      )}
    </section>
  );
});
