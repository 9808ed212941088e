// Copies the distributed files of the npm packages Maillage uses into frontend/dist/vendor,
// which Django serves as static files (STATICFILES_DIRS). Run by `make` after `npm ci`.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist", "vendor");
rmSync(join(here, "dist"), { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const copies = [
  ["leaflet/dist", "leaflet"],
  ["leaflet.markercluster/dist", "leaflet.markercluster"],
];
for (const [from, to] of copies) {
  cpSync(join(here, "node_modules", from), join(out, to), { recursive: true });
}
writeFileSync(join(here, "dist", ".built"), new Date().toISOString() + "\n");
console.log("frontend: vendor files copied to frontend/dist/vendor");
