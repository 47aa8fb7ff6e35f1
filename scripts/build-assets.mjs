// Copies the compiled NHS.UK frontend from node_modules into static/vendor/nhsuk.
// nhsuk-frontend ships built CSS and JS, so no Sass toolchain is needed.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");
const target = join(root, "static", "vendor", "nhsuk");
const { version } = JSON.parse(readFileSync(join(root, "node_modules", "nhsuk-frontend", "package.json"), "utf8"));

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const file of ["nhsuk-frontend.min.css", "nhsuk-frontend.min.css.map", "nhsuk-frontend.min.js", "nhsuk-frontend.min.js.map"]) {
  cpSync(join(source, file), join(target, file));
}
cpSync(join(source, "assets"), join(target, "assets"), { recursive: true });
writeFileSync(join(target, "VERSION"), `${version}\n`);
console.log(`static/vendor/nhsuk: nhsuk-frontend ${version}`);
