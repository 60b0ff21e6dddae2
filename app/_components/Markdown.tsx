"use client";
// Renders untrusted model output as markdown. Raw HTML is turned into plain text before rendering,
// so `<script>` or `<img onerror>` in a response is shown, never run; react-markdown's default
// urlTransform strips javascript: and other unsafe link and image URLs (a `data:image/` source is
// kept: it fetches nothing). A remote image is not fetched unless the project allows remote images
// (RemoteImages, lib/formats/remote-image.ts): it shows as a link-free placeholder naming its host. Code blocks are highlighted
// by a small tokenizer (highlight.tsx) that only ever emits text nodes. Math is rendered by KaTeX
// (`trust` off), loaded only when a text contains math so the page's first load stays small: `$$…$$`,
// and the LaTeX delimiters models write, `\(…\)` inline and `\[…\]` display, which normalizeMath
// rewrites to dollars outside code first. Single dollars are left alone: model output is full of prices.
import { createContext, memo, useContext, useEffect, useMemo, useState, type ComponentProps, type ReactNode } from "react";

import ReactMarkdown, { defaultUrlTransform, type Options, type UrlTransform } from "react-markdown";

type PluggableList = NonNullable<Options["remarkPlugins"]>;
import remarkGfm from "remark-gfm";
import { hasDollarMath, normalizeMath } from "@/lib/formats/math";
import { imageDecision } from "@/lib/formats/remote-image";
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

/** Whether the project lets annotators' browsers load remote images (the project setting allowRemoteImages). */
const RemoteImagesAllowed = createContext(false);

export function RemoteImages({ allowed, children }: { allowed: boolean; children: ReactNode }) {
  return <RemoteImagesAllowed value={allowed}>{children}</RemoteImagesAllowed>;
}

function Image({ src, alt, title }: ComponentProps<"img"> & { node?: unknown }) {
  const decision = imageDecision(typeof src === "string" ? src : undefined, useContext(RemoteImagesAllowed));
  if (decision.load) {
    // A plain <img>, not next/image: the optimizer would fetch the remote image from the server.
    return <img src={src} alt={alt ?? ""} title={title} referrerPolicy="no-referrer" loading="lazy" />;
  }
  return (
    <span className="remote-image" data-testid="remote-image" role="img" aria-label={`Remote image from ${decision.host} (not loaded)`}>
      [image from {decision.host}
      {alt ? `: ${alt}` : ""}]
    </span>
  );
}

/** react-markdown's safe-URL rule, and `data:image/` sources for images, which fetch nothing. */
const urlTransform: UrlTransform = (url, key, node) => (key === "src" && node.tagName === "img" && /^data:image\//i.test(url.trim()) ? url : defaultUrlTransform(url));

const components = { code: Code, img: Image };

interface MathPlugins {
  remark: PluggableList;
  rehype: PluggableList;
}
let mathPlugins: MathPlugins | null = null;
let mathLoading: Promise<MathPlugins> | null = null;

function loadMath(): Promise<MathPlugins> {
  mathLoading ??= Promise.all([import("remark-math"), import("rehype-katex"), import("katex/dist/katex.min.css")]).then(
    ([remarkMath, rehypeKatex]) =>
      (mathPlugins = {
        remark: [[remarkMath.default, { singleDollarTextMath: false }]],
        // KaTeX's `trust` stays off: \href and \url in a response cannot make links or run script.
        rehype: [[rehypeKatex.default, { throwOnError: false, trust: false }]],
      }),
  );
  return mathLoading;
}

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  // Both scan the whole text (a long response takes milliseconds), so once per text, not per render.
  const { source, needsMath } = useMemo(() => {
    const normalized = normalizeMath(text);
    return { source: normalized, needsMath: hasDollarMath(normalized) };
  }, [text]);
  const [math, setMath] = useState<MathPlugins | null>(needsMath ? mathPlugins : null);
  useEffect(() => {
    if (needsMath && !math) void loadMath().then(setMath);
  }, [needsMath, math]);
  const remarkPlugins: PluggableList = math ? [remarkGfm, ...math.remark] : [remarkGfm];
  const rehypePlugins: PluggableList = math ? [...math.rehype, rawToText] : [rawToText];
  return (
    <div className="md">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={urlTransform}>
        {source}
      </ReactMarkdown>
    </div>
  );
});
