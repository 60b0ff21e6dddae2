// What the `server-pg` project runs where no PostgreSQL answers (vitest.config.mts): the HTTP suites
// are skipped with the one message saying how to start a server, and under CI=true, where they must
// run, postgresAvailable throws and this file fails.
import { it } from "vitest";
import { postgresAvailable, START_HINT } from "./postgres";

const available = await postgresAvailable();

it.skipIf(!available)(START_HINT, () => {
  throw new Error("PostgreSQL answers now but did not when vitest.config.mts asked: run the server-pg project again");
});
