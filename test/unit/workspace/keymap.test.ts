// The key map tables: which command or judgment change a key gives in each situation, and the rows
// the `?` overlay shows for each judgment type (the same tables drive both).
import { describe, expect, it } from "vitest";
import { projectJudgmentSchema } from "@/lib/formats/judgment";
import { emptyDraft, type Draft } from "../../../app/(annotate)/annotate/[slug]/_components/draft";
import {
  helpRows,
  JUDGMENT_KEYS,
  WORKSPACE_KEYS,
  workspaceCommand,
  type JudgmentKeyContext,
  type WorkspaceKeyContext,
} from "../../../app/(annotate)/annotate/[slug]/_components/keymap";

const schema = (s: object) => projectJudgmentSchema.parse(s);
const onItem: WorkspaceKeyContext = { hasItem: true, slotCount: 2, hasFlags: true, hasGuidelines: true, help: false };

/** Presses a judgment key against a draft: the draft after it, or null when the key is not one. */
function press(key: string, c: Omit<JudgmentKeyContext, "draft"> & { draft?: Draft }): Draft | null {
  const ctx = { ...c, draft: c.draft ?? emptyDraft(c.slotCount) };
  const binding = JUDGMENT_KEYS.find((b) => b.when(ctx) && b.match(key, ctx));
  if (!binding) return null;
  let draft = ctx.draft;
  const handled = binding.run(key, ctx, { setDraft: (u) => (draft = typeof u === "function" ? u(draft) : u), focus: () => true });
  return handled ? draft : null;
}

describe("workspace keys", () => {
  it("only continues while a check item's gold answer is on screen", () => {
    const feedback = { ...onItem, feedback: true };
    expect(["Enter", "Escape", "s", "u", "h", "?"].map((k) => workspaceCommand(k, feedback))).toEqual(["continue", "continue", null, null, null, null]);
    expect(helpRows(WORKSPACE_KEYS, onItem).map(([k]) => k)).not.toContain("Continue");
  });

  it("gives each key its command on an item", () => {
    const got = Object.fromEntries(["Enter", "s", "f", "u", "d", "g", "h", "?", "Escape", "q"].map((k) => [k, workspaceCommand(k, onItem)]));
    expect(got).toEqual({ Enter: "submit", s: "skip", f: "flag", u: "undo", d: "diff", g: "guidelines", h: "history", "?": "help", Escape: "close", q: null });
  });
  it("leaves out what does not apply: flags, guidelines, the item's commands without an item", () => {
    expect(workspaceCommand("f", { ...onItem, hasFlags: false })).toBeNull();
    expect(workspaceCommand("g", { ...onItem, hasGuidelines: false })).toBeNull();
    const done = { ...onItem, hasItem: false, slotCount: 0 };
    expect(["Enter", "s", "f", "d"].map((k) => workspaceCommand(k, done))).toEqual([null, null, null, null]);
    expect(workspaceCommand("u", done)).toBe("undo");
  });
  it("takes only ? and Esc while the help is open", () => {
    const help = { ...onItem, help: true };
    expect(["Enter", "s", "u", "h", "g"].map((k) => workspaceCommand(k, help))).toEqual([null, null, null, null, null]);
    expect(workspaceCommand("?", help)).toBe("help");
    expect(workspaceCommand("Escape", help)).toBe("close");
  });
  it("lists the workspace keys in the overlay in one order", () => {
    expect(helpRows(WORKSPACE_KEYS, onItem).map(([k]) => k)).toEqual(["Enter", "S", "F", "U", "D", "G", "H", "?", "Esc"]);
  });
});

describe("judgment keys", () => {
  it("lists the pairwise keys the project allows", () => {
    const rows = helpRows(JUDGMENT_KEYS, { schema: schema({ allow_tie: false }), slotCount: 2, draft: emptyDraft(2) });
    expect(rows).toEqual([
      ["1 or A", "A is better"],
      ["2 or B", "B is better"],
      ["4 or X", "Both bad"],
      ["W", "Write a better response"],
      ["R", "Write the rationale"],
      ["Esc", "Leave a text field (shortcuts work again)"],
      ["Ctrl+Enter", "Submit from inside a text field"],
    ]);
  });
  it("picks a pairwise choice by number or letter", () => {
    const c = { schema: schema({}), slotCount: 2 };
    expect(press("2", c)?.choice).toBe("B");
    expect(press("t", c)?.choice).toBe("tie");
    expect(press("x", { ...c, draft: { ...emptyDraft(2), strength: 2 } })).toMatchObject({ choice: "both_bad", strength: undefined });
    expect(press("3", { ...c, schema: schema({ allow_tie: false }) })).toBeNull();
  });
  it("sets a strength with 1 … 7, X for both bad, and no 4 without ties", () => {
    const c = { schema: schema({ strength: true }), slotCount: 2 };
    expect(press("6", c)).toMatchObject({ strength: 2, choice: "B" });
    expect(press("1", c)).toMatchObject({ strength: -3, choice: "A" });
    expect(press("x", c)).toMatchObject({ choice: "both_bad" });
    expect(press("a", c)).toBeNull();
    expect(press("4", { ...c, schema: schema({ strength: true, allow_tie: false }) })).toBeNull();
    expect(helpRows(JUDGMENT_KEYS, { ...c, draft: emptyDraft(2) }).map(([k]) => k)).toEqual(["1 … 7", "X", "W", "R", "Esc", "Ctrl+Enter"]);
  });
  it("rates the outlined scale with digits and moves it with [ ]", () => {
    const c = { schema: schema({ type: "rating", criteria: [{ key: "help", label: "Help", min: 1, max: 10 }] }), slotCount: 2 };
    expect(press("0", c)?.ratings).toEqual({ A: { help: 10 } });
    expect(press("]", c)?.scale).toBe(1);
    expect(helpRows(JUDGMENT_KEYS, { ...c, draft: emptyDraft(2) }).map(([k]) => k)).toEqual(["0 … 9", "[ ]", "R", "Esc", "Ctrl+Enter"]);
  });
  it("selects, moves and ties in a ranking", () => {
    const c = { schema: schema({ type: "ranking" }), slotCount: 3 };
    const selected = press("3", c)!;
    expect(selected).toMatchObject({ selected: "C", ranked: true });
    expect(press("ArrowUp", { ...c, draft: selected })?.ranking).toEqual([["A"], ["C"], ["B"]]);
    expect(press("k", { ...c, draft: selected })?.ranking).toEqual([["A"], ["C"], ["B"]]);
    expect(press("=", { ...c, draft: selected })?.ranking).toEqual([["A"], ["B", "C"]]);
    expect(press("ArrowUp", c)).toBeNull(); // nothing selected
    expect(press("4", c)).toBeNull(); // only three responses
    expect(helpRows(JUDGMENT_KEYS, { ...c, draft: emptyDraft(3) }).map(([k]) => k)).toEqual(["1 … 3", "↑ ↓ (or K J)", "=", "R", "Esc", "Ctrl+Enter"]);
  });
});
