// `arbiter start`: migrate, (seed the demo,) build if needed, serve (lib/cli/start.ts).
import { startServer } from "../start";
import { dbTarget, verb, type Command } from "../command";
import { wholeNumber } from "../flags";

export const start: Command = {
  name: "start",
  summary: "migrate, (seed the demo,) build if needed, serve",
  verbs: [
    verb({
      usage: "[--demo] [--port P] [--host H] [--build]",
      summary: "migrate, (seed the demo,) build if needed, serve",
      flags: {
        demo: { type: "boolean", help: "seed the demo project and accounts" },
        port: { type: "string", value: "P", help: "the port (default $PORT or 3000)" },
        host: { type: "string", value: "H", help: "the host name to listen on (default localhost)" },
        build: { type: "boolean", help: "build even when the build is up to date" },
      },
      run({ values, io }) {
        return startServer({
          dbPath: dbTarget(values),
          demo: values.demo,
          port: wholeNumber("port", values.port ?? process.env.PORT, 0) ?? 3000,
          host: values.host ?? "localhost",
          forceBuild: values.build,
          io,
        });
      },
    }),
  ],
};
