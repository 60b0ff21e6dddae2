"use client";
// Renders untrusted model output as markdown. Raw HTML is turned into plain text before rendering,
// so `<script>` or `<img onerror>` in a response is shown, never run; react-markdown's default
// urlTransform strips javascript: and other unsafe link and image URLs. Code blocks are highlighted
// by a small tokenizer (highlight.tsx) that only ever emits text nodes.
import { memo, type ComponentProps } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { highlight } from "./highlight";

type HastNode = { type: string; value?: string; children?: HastNode[] };

function rawToText() {
  const walk = (node: HastNode) => {
    if (!node.children) return;
    for (const child of node.children) {
      if (child.type === "raw") child.type = "text";
      else walk(child);
    }
  };
  return (tree: HastNode) => walk(tree);
}

function Code({ className, children, node: _node, ...rest }: ComponentProps<"code"> & { node?: unknown }) {
  const language = /language-([\w+-]+)/.exec(className ?? "")?.[1];
  const text = typeof children === "string" ? children : null;
  if (text == null || (!language && !text.includes("\n"))) return <code className={className} {...rest}>{children}</code>;
  return (
    <code className={className} data-language={language} {...rest}>
      {highlight(text, language)}
    </code>
  );
}

const components = { code: Code };

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="md">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rawToText]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
