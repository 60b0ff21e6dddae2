// A small syntax highlighter for code blocks in responses: comments, strings, numbers and the common
// keywords of the languages LLMs answer in. Tokens become React text nodes, never HTML.
import type { ReactNode } from "react";

const KEYWORDS = new Set(
  (
    "abstract and as async await break case catch class const continue def default defer del delete do elif else enum " +
    "except export extends false final finally fn for from func function go if impl implements import in instanceof " +
    "interface is lambda let loop match mod module mut new nil none not null or package pass private protected pub " +
    "public raise return select self static struct super switch this throw throws trait true try type typeof use var " +
    "void where while with yield True False None SELECT FROM WHERE JOIN INSERT UPDATE DELETE INTO VALUES CREATE TABLE " +
    "GROUP BY ORDER LIMIT AND OR NOT NULL int float double char bool boolean string str echo fi then done esac"
  ).split(" "),
);

// One alternation, tried left to right: comment, string, number, word.
const TOKEN =
  /(\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|--[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_$][\w$]*)/g;

const HASH_COMMENTS = new Set(["python", "py", "bash", "sh", "shell", "ruby", "rb", "r", "yaml", "yml", "toml", "perl", "makefile", "dockerfile"]);
const DASH_COMMENTS = new Set(["sql", "lua", "haskell", "hs"]);

export function highlight(code: string, language: string | undefined): ReactNode[] {
  const lang = (language ?? "").toLowerCase();
  const out: ReactNode[] = [];
  let last = 0;
  let k = 0;
  const re = new RegExp(TOKEN.source, "g");
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const [text, comment, string, number, word] = m;
    let cls: string | null = null;
    if (comment) {
      const hash = comment.startsWith("#");
      const dash = comment.startsWith("--");
      if ((hash && !HASH_COMMENTS.has(lang)) || (dash && !DASH_COMMENTS.has(lang))) {
        // Not a comment in this language: let the rest of the line be tokenized normally.
        re.lastIndex = m.index + 1;
        continue;
      }
      cls = "tok-comment";
    } else if (string) cls = "tok-string";
    else if (number) cls = "tok-number";
    else if (word && KEYWORDS.has(word)) cls = "tok-keyword";
    if (!cls) continue;
    if (m.index > last) out.push(code.slice(last, m.index));
    out.push(
      <span key={k++} className={cls}>
        {text}
      </span>,
    );
    last = m.index + text.length;
  }
  if (last < code.length) out.push(code.slice(last));
  return out;
}
