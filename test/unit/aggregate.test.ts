import { describe, expect, it } from "vitest";
import { majorityWinner } from "@/lib/stats/aggregate";

describe("majorityWinner", () => {
  it("picks the candidate with more than half of all votes", () => {
    expect(majorityWinner([1, 1, 2])).toEqual({ winner: 1, votes: 2, total: 3 });
    expect(majorityWinner([2])).toEqual({ winner: 2, votes: 1, total: 1 });
  });
  it("counts ties and both-bad against a majority", () => {
    expect(majorityWinner([1, null, 2])).toBeNull();
    expect(majorityWinner([1, null])).toBeNull();
    expect(majorityWinner([1, 1, null])).toEqual({ winner: 1, votes: 2, total: 3 });
    expect(majorityWinner([null, null, null])).toBeNull();
  });
  it("leaves out an even split", () => {
    expect(majorityWinner([1, 1, 2, 2])).toBeNull();
  });
  it("raises the bar with minVotes", () => {
    expect(majorityWinner([1], { minVotes: 2 })).toBeNull();
    expect(majorityWinner([1, 1, 2], { minVotes: 2 })).toEqual({ winner: 1, votes: 2, total: 3 });
    expect(majorityWinner([1, 1, 2], { minVotes: 3 })).toBeNull();
  });
  it("returns null for no votes", () => {
    expect(majorityWinner([])).toBeNull();
  });
});
