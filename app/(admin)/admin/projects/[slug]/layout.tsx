// The project tab bar, shared with the other route group (app/_components/ProjectLayout.tsx).
export { default } from "@/app/_components/ProjectLayout";
