"use client";
// Keyboard access to boxes that scroll sideways: a code block, a table on a phone or a wide formula
// that overflows its box gets tabindex="0", so arrow keys can scroll it (WCAG 2.1.1; axe's
// scrollable-region-focusable). Only boxes that overflow now get one, so the Tab order of the
// workspace does not grow with stops that do nothing; the check reruns when the page changes.
import { useEffect } from "react";

const SCROLLERS = "pre, table, .heatmap-wrap, .katex-display, .diff-body, .tabs";
const MARK = "data-scroll-focus";

function mark(): void {
  for (const el of document.querySelectorAll<HTMLElement>(SCROLLERS)) {
    const overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    const ours = el.hasAttribute(MARK);
    if (overflows && !ours && !el.hasAttribute("tabindex") && !el.querySelector("a, button, input, select, textarea, [tabindex]")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute(MARK, "");
    } else if (!overflows && ours) {
      el.removeAttribute("tabindex");
      el.removeAttribute(MARK);
    }
  }
}

export function ScrollRegions() {
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), mark()));
    };
    schedule();
    const observer = new MutationObserver(schedule);
    observer.observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", schedule);
      cancelAnimationFrame(frame);
    };
  }, []);
  return null;
}
