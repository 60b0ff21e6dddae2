// The SQL twin of lib/formats/verdictOf: a pairwise judgment's verdict (item order) computed in a
// query. Use it with `left join candidates wc on wc.id = j.winner_candidate_id` in scope, where `j`
// is the judgments row. test/integration/verdict.test.ts checks it against verdictOf row by row.
export const VERDICT_SQL = `(case when j.choice in ('tie', 'both_bad') then j.choice
  when wc.position = 0 then 'A' when wc.position = 1 then 'B' else null end)`;

/** The join VERDICT_SQL needs. */
export const VERDICT_JOIN_SQL = `left join candidates wc on wc.id = j.winner_candidate_id`;
