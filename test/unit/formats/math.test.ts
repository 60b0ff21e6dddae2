import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { describe, expect, it } from "vitest";
import { hasDollarMath, normalizeMath } from "@/lib/formats/math";

/** Whether raw text has math remark-math would render, as the workspace decides it. */
const hasMath = (text: string) => hasDollarMath(normalizeMath(text));

/** Renders like the workspace's Markdown component once KaTeX is loaded (same plugins, same options). */
function render(markdown: string): string {
  return renderToStaticMarkup(
    createElement(
      ReactMarkdown,
      {
        remarkPlugins: [remarkGfm, [remarkMath, { singleDollarTextMath: false }]],
        rehypePlugins: [[rehypeKatex, { throwOnError: false, trust: false }]],
      },
      normalizeMath(markdown),
    ),
  );
}

/** How many formulas KaTeX drew inline and as display blocks, and how many it could not parse. */
function math(markdown: string) {
  const html = render(markdown);
  const count = (needle: string) => html.split(needle).length - 1;
  const display = count('class="katex-display"');
  return { inline: count('class="katex"') - display, display, errors: count("katex-error") };
}

/** The visible text, each formula shown as its TeX source in brackets. */
function text(markdown: string): string {
  const html = render(markdown);
  let out = "";
  let at = 0;
  for (let start = html.indexOf('<span class="katex">'); start >= 0; start = html.indexOf('<span class="katex">', at)) {
    const tag = /<(\/?)span\b[^>]*>/g;
    tag.lastIndex = start;
    let end = start;
    for (let depth = 0, m = tag.exec(html); m; m = tag.exec(html)) {
      depth += m[1] ? -1 : 1;
      if (depth === 0) {
        end = tag.lastIndex;
        break;
      }
    }
    const tex = /<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/.exec(html.slice(start, end))?.[1];
    out += html.slice(at, start) + `[${tex}]`;
    at = end;
  }
  out += html.slice(at);
  return out.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").trim();
}

const unchanged = (markdown: string) => expect(normalizeMath(markdown)).toBe(markdown);

describe("inline math \\( … \\)", () => {
  it("becomes $$ … $$ and renders inline", () => {
    expect(normalizeMath("so \\(x^2\\) grows")).toBe("so $$x^2$$ grows");
    expect(math("so \\(x^2\\) grows")).toEqual({ inline: 1, display: 0, errors: 0 });
  });
  it("keeps parentheses inside the formula", () => {
    expect(normalizeMath("\\( f(x) = (a+b)^2 \\)")).toBe("$$ f(x) = (a+b)^2 $$");
    expect(math("where \\( f(x) = (a+b)^2 \\) holds")).toEqual({ inline: 1, display: 0, errors: 0 });
  });
  it("converts several on a line, and at the start of a line", () => {
    expect(normalizeMath("\\(a\\), \\(b\\) and \\(c\\)")).toBe("$$a$$, $$b$$ and $$c$$");
    expect(math("\\(a\\), \\(b\\) and \\(c\\)\n\\(d\\) too")).toEqual({ inline: 4, display: 0, errors: 0 });
  });
  it("works in headings, list items, quotes and table cells", () => {
    expect(math("# Solve \\(x\\)\n\n- item \\(y\\)\n\n> quote \\(z\\)\n\n| a | b |\n|---|---|\n| \\(p\\) | \\(q\\) |")).toEqual({ inline: 5, display: 0, errors: 0 });
  });
  it("keeps a LaTeX line break \\\\ inside the formula from closing it", () => {
    expect(normalizeMath("\\( \\begin{matrix} a \\\\ b \\end{matrix} \\)")).toBe("$$ \\begin{matrix} a \\\\ b \\end{matrix} $$");
  });
  it("must close on its own line", () => {
    unchanged("an open \\( paren\nand a close \\) later");
  });
});

describe("display math \\[ … \\]", () => {
  it("on its own line becomes a $$ block and renders as display", () => {
    expect(normalizeMath("Then\n\\[ \\frac{a}{b} \\]\nso")).toBe("Then\n$$\n\\frac{a}{b}\n$$\nso");
    expect(math("Then\n\\[ \\frac{a}{b} \\]\nso")).toEqual({ inline: 0, display: 1, errors: 0 });
    expect(text("Then\n\\[ \\frac{a}{b} \\]\nso")).toBe("Then\n[\\frac{a}{b}]\nso");
  });
  it("leaves markdown-escaped citation brackets alone", () => {
    unchanged("As shown in \\[1\\] and \\[2, 3\\], or \\[4-6\\].");
    expect(math("As shown in \\[1\\].")).toEqual({ inline: 0, display: 0, errors: 0 });
    expect(normalizeMath("Cited \\[1\\], then \\[ x^2 \\] inline.")).toBe("Cited \\[1\\], then $$\\displaystyle x^2 $$ inline.");
  });
  it("spans several lines", () => {
    const source = "The sum:\n\n\\[\n\\begin{aligned}\na &= b + c \\\\\n  &= d\n\\end{aligned}\n\\]\n\nDone.";
    expect(normalizeMath(source)).toBe("The sum:\n\n$$\n\\begin{aligned}\na &= b + c \\\\\n&= d\n\\end{aligned}\n$$\n\nDone.");
    expect(math(source)).toEqual({ inline: 0, display: 1, errors: 0 });
  });
  it("keeps lines that look like list items or headings as part of the formula", () => {
    expect(normalizeMath("\\[\n- x + y\n# z\n\\]")).toBe("$$\n- x + y\n# z\n$$");
    expect(math("\\[\n- x + y\n\\]")).toEqual({ inline: 0, display: 1, errors: 0 });
  });
  it("stays inside its list item or quote", () => {
    const list = "1. Compute\n   \\[\n   x = \\frac{1}{2}\n\\]\n   then stop.\n2. Next \\(y\\)";
    expect(normalizeMath(list)).toBe("1. Compute\n   $$\n   x = \\frac{1}{2}\n   $$\n   then stop.\n2. Next $$y$$");
    expect(render(list)).toMatch(/<li>Compute\n<span class="katex-display">[\s\S]*then stop.<\/li>/);
    expect(normalizeMath("- \\[ x \\]")).toBe("- $$\n  x\n  $$");
    const quote = "> Note\n> \\[ E = mc^2 \\]\n> so.";
    expect(normalizeMath(quote)).toBe("> Note\n> $$\n> E = mc^2\n> $$\n> so.");
    expect(render(quote)).toMatch(/^<blockquote>[\s\S]*katex-display[\s\S]*so.<\/p>\n<\/blockquote>$/);
  });
  it("mid-sentence, or followed by text, renders inline in display style", () => {
    expect(normalizeMath("we get \\[ x = 1 \\] here")).toBe("we get $$\\displaystyle x = 1 $$ here");
    expect(normalizeMath("\\[ x = 1 \\], so")).toBe("$$\\displaystyle x = 1 $$, so");
    expect(normalizeMath("so \\[\nx = 1\n\\] and")).toBe("so $$\\displaystyle x = 1$$ and");
    expect(math("we get \\[ x = 1 \\] here\n\nso \\[\nx = 1\n\\] and")).toEqual({ inline: 2, display: 0, errors: 0 });
    expect(math("| a |\n|---|\n| \\[ x \\] |")).toEqual({ inline: 1, display: 0, errors: 0 });
  });
});

describe("what stays as it is", () => {
  it("fenced code, backticks and tildes, longer fences, in lists and quotes", () => {
    unchanged("```\n\\(x\\) and \\[ y \\]\n```");
    unchanged("~~~ python\nprint('\\(x\\)')\n~~~");
    unchanged("````\n```\n\\(x\\)\n````");
    unchanged("1. Step\n\n   ```\n   \\(x\\)\n   ```");
    unchanged("- ```\n  \\(x\\)\n  ```");
    unchanged("> ```\n> \\[ x \\]\n> ```");
    expect(normalizeMath("```\n\\(x\\)\n```\n\\(y\\)")).toBe("```\n\\(x\\)\n```\n$$y$$");
    expect(normalizeMath("````\n```\n\\(x\\)\n````\n\\(y\\)")).toBe("````\n```\n\\(x\\)\n````\n$$y$$");
  });
  it("an unclosed fence, to the end of the text", () => {
    unchanged("text\n\n```js\nconst a = '\\(x\\)';\n\n\\[ y \\]\n");
  });
  it("a fence ends with the list item it is in", () => {
    expect(normalizeMath("- a\n  ```\n  \\(x\\)\n\\(y\\)")).toBe("- a\n  ```\n  \\(x\\)\n$$y$$");
  });
  it("indented code, but not indented list content", () => {
    unchanged("Example:\n\n    \\(x\\) and \\[ y \\]\n\nend");
    unchanged("    \\[ x \\]");
    expect(normalizeMath("- item\n\n    \\(x\\)")).toBe("- item\n\n    $$x$$");
    expect(normalizeMath("a paragraph\n    \\(x\\) continued")).toBe("a paragraph\n    $$x$$ continued");
  });
  it("code spans of any backtick length, even across lines", () => {
    unchanged("`\\(x\\)` and ``a ` \\(y\\)`` and ```\\[ z \\]```");
    unchanged("`start\n\\(x\\) end`");
    expect(normalizeMath("`\\(x\\)` but \\(y\\)")).toBe("`\\(x\\)` but $$y$$");
    expect(text("`\\(x\\)` but \\(y\\)")).toBe("\\(x\\) but [y]");
  });
  it("a backtick without a closer, or an escaped one, is not code", () => {
    expect(normalizeMath("` \\(x\\)")).toBe("` $$x$$");
    expect(normalizeMath("\\`\\(x\\)\\`")).toBe("\\`$$x$$\\`");
  });
  it("escaped backslashes", () => {
    unchanged("a path C:\\\\(x\\\\) and \\\\[y\\\\]");
    expect(text("a path C:\\\\(x\\\\)")).toBe("a path C:\\(x\\)");
    expect(normalizeMath("\\\\\\(x\\)")).toBe("\\\\$$x$$");
  });
  it("unbalanced and empty delimiters", () => {
    unchanged("an open \\( only");
    unchanged("a close \\) only");
    unchanged("an open \\[ only\n\nand \\] later");
    unchanged("\\(\\) and \\( \\) and \\[ \\]");
    expect(normalizeMath("\\( open, then \\(x\\)")).toBe("$$ open, then \\(x$$");
  });
  it("prices with single dollars", () => {
    expect(normalizeMath("It costs $5 or $10, and \\(x\\) is $3.")).toBe("It costs $5 or $10, and $$x$$ is $3.");
    expect(text("It costs $5 or $10, and \\(x\\) is $3.")).toBe("It costs $5 or $10, and [x] is $3.");
    unchanged("It costs $5 or $10.");
  });
  it("a delimiter against a dollar sign", () => {
    unchanged("$\\(x\\) and \\(y\\)$");
  });
  it("$$ math already there, inline or as a block", () => {
    unchanged("$$\\text{\\(x\\)}$$");
    unchanged("$$\n\\(x\\)\n$$");
    expect(normalizeMath("$$a$$ and \\(b\\)")).toBe("$$a$$ and $$$b$$$");
    expect(math("$$a$$ and \\(b\\) and $$c$$")).toEqual({ inline: 3, display: 0, errors: 0 });
    // A stray $$ must not pair with a converted formula.
    expect(math("pay $$ now, \\(x\\)")).toEqual({ inline: 1, display: 0, errors: 0 });
  });
  it("HTML blocks, which the workspace shows as text", () => {
    expect(normalizeMath("<div>\n\\(x\\)\n</div>\n\n\\(y\\)")).toBe("<div>\n\\(x\\)\n</div>\n\n$$y$$");
    expect(normalizeMath("<!--\n\\(x\\)\n-->\n\\(y\\)")).toBe("<!--\n\\(x\\)\n-->\n$$y$$");
    // Markdown between the tags, after a blank line, is markdown again.
    expect(normalizeMath("<details>\n<summary>Proof</summary>\n\nSo \\(x\\)\n\n</details>")).toBe("<details>\n<summary>Proof</summary>\n\nSo $$x$$\n\n</details>");
  });
  it("a code span crossing the line of a display formula", () => {
    unchanged("`a\n\\[ x \\]\nb`");
  });
  it("link destinations and autolinks", () => {
    unchanged("[Foo](https://en.wikipedia.org/wiki/Foo_\\(bar\\)) and <https://a.example/\\(x\\)>");
    expect(normalizeMath("[\\(x\\)](https://a.example/\\(y\\))")).toBe("[$$x$$](https://a.example/\\(y\\))");
  });
  it("text without the delimiters, returned as is", () => {
    const plain = "No math here: (a) [b] \\* and $$ alone.";
    expect(normalizeMath(plain)).toBe(plain);
  });
});

describe("line endings and repeated runs", () => {
  it("keeps CRLF line endings", () => {
    expect(normalizeMath("a \\(x\\)\r\n\r\n\\[ y \\]\r\nb")).toBe("a $$x$$\r\n\r\n$$\ny\n$$\r\nb");
    expect(math("a \\(x\\)\r\n\r\n\\[ y \\]\r\nb")).toEqual({ inline: 1, display: 1, errors: 0 });
  });
  it("normalizing twice changes nothing more", () => {
    for (const source of ["so \\(x\\)", "\\[\nx\n\\]", "we get \\[ x \\] here", "$$a$$ and \\(b\\)", "an open \\( only", "`\\(x\\)` \\(y\\)"]) {
      const once = normalizeMath(source);
      expect(normalizeMath(once)).toBe(once);
    }
  });
});

describe("hasMath", () => {
  it("sees $$, \\( and \\[ math", () => {
    expect(hasMath("$$E = mc^2$$")).toBe(true);
    expect(hasMath("so \\(x\\)")).toBe(true);
    expect(hasMath("\\[ y \\]")).toBe(true);
    expect(hasMath(normalizeMath("so \\(x\\)"))).toBe(true);
  });
  it("ignores prices, escaped parens, code and unbalanced delimiters", () => {
    expect(hasMath("It costs $5 or $10.")).toBe(false);
    expect(hasMath("a \\(b\\\\)")).toBe(false);
    expect(hasMath("`\\(x\\)` and\n\n```\n\\[ y \\]\n```")).toBe(false);
    expect(hasMath("an open \\( only")).toBe(false);
    expect(hasMath("(a) and [b]")).toBe(false);
  });
});

describe("large and adversarial input", () => {
  // Each of these is about 100 KB; a quadratic scan would take minutes on them.
  const size = 100_000;
  const inputs = {
    "a long response": Array.from({ length: 1200 }, (_, i) => `Step ${i}: \\(x_${i}\\) costs $5.\n\n\\[\n\\sum_{k=0}^{${i}} k\n\\]\n\n\`\`\`py\nprint("\\(x\\)")\n\`\`\`\n`).join(""),
    "openers without closers": "\\( a ".repeat(size / 5),
    "display openers on every line": "\\[\n".repeat(size / 3) + "\\] x",
    "backtick runs of many lengths": Array.from({ length: 3000 }, (_, i) => "`".repeat((i % 60) + 1) + " \\(x\\) ").join(""),
    "dollar runs of many lengths": Array.from({ length: 3000 }, (_, i) => "$".repeat((i % 60) + 1) + " \\(x\\) ").join(""),
    "one line of list markers": "- ".repeat(size / 2) + "\\(y\\)",
    "one line of quote markers": ">".repeat(size) + " \\(y\\)",
    "backslashes": "\\".repeat(size) + "(x\\)",
    "link openers": "](".repeat(size / 2) + "\\(y\\)",
  };
  for (const [name, source] of Object.entries(inputs)) {
    it(`finishes on ${name}`, () => {
      expect(source.length).toBeGreaterThan(size * 0.5);
      expect(typeof normalizeMath(source)).toBe("string");
      expect(typeof hasMath(source)).toBe("boolean");
    });
  }
  it("converts every formula in a long response", () => {
    const out = normalizeMath(inputs["a long response"]);
    expect(out.match(/\$\$x_\d+\$\$/g)).toHaveLength(1200);
    expect(out.match(/^\$\$$/gm)).toHaveLength(2400);
    expect(out.match(/print\("\\\(x\\\)"\)/g)).toHaveLength(1200);
  });
});
