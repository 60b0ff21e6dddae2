// Runs once when the server starts: a bad environment or a missing auth secret stops the start
// with a clear message instead of failing on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkStartup } = await import("./lib/startup");
  await checkStartup();
}
