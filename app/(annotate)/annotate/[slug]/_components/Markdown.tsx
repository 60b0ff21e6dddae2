"use client";
// Renders untrusted model output as markdown. Raw HTML is turned into plain text before rendering,
// so `<script>` or `<img onerror>` in a response is shown, never run; react-markdown's default
// urlTransform strips javascript: and other unsafe link and image URLs.
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

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

export function Markdown({ text }: { text: string }) {
  return (
    <div className="md">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rawToText]}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
