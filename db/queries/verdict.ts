// The SQL twin of lib/formats/verdict.ts: a pairwise judgment's verdict (item order) computed in a
// query, and where a gold item keeps its verdict; fragments that other statements embed, written to
// run on both engines. test/integration/verdict.test.ts checks VERDICT_SQL against verdictOf row by row.

/**
 * The verdict of the judgments row `j`: tie and both_bad carry over, otherwise the winning
 * candidate's position (0 → A, 1 → B); null for other judgment types. Needs VERDICT_JOIN_SQL in scope.
 */
export const VERDICT_SQL = `(case when j.choice in ('tie', 'both_bad') then j.choice
  when wc.position = 0 then 'A' when wc.position = 1 then 'B' else null end)`;

/** The join VERDICT_SQL needs: the winning candidate of `j` as `wc`. */
export const VERDICT_JOIN_SQL = `left join candidates wc on wc.id = j.winner_candidate_id`;

/** The gold verdict of the items row `i` (stored as `items.gold.choice`), or null for an ordinary item. */
export const GOLD_VERDICT_SQL = `(i.gold ->> 'choice')`;
