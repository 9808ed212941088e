// Copies the distributed files of the npm packages Maillage uses into frontend/dist/vendor,
// which Django serves as static files (STATICFILES_DIRS). Run by `make` after `npm ci`.
// Only what the pages load (and the source maps those files name, which `collectstatic`
// checks): not the unminified and ES-module builds, which would only lengthen it.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist", "vendor");
rmSync(join(here, "dist"), { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const copies = [
  ["leaflet/dist", "leaflet", ["leaflet.js", "leaflet.js.map", "leaflet.css", "images"]],
  [
    "leaflet.markercluster/dist",
    "leaflet.markercluster",
    [
      "leaflet.markercluster.js",
      "leaflet.markercluster.js.map",
      "MarkerCluster.css",
      "MarkerCluster.Default.css",
    ],
  ],
];
for (const [from, to, names] of copies) {
  mkdirSync(join(out, to), { recursive: true });
  for (const name of names) {
    cpSync(join(here, "node_modules", from, name), join(out, to, name), { recursive: true });
  }
}
writeFileSync(join(here, "dist", ".built"), new Date().toISOString() + "\n");
console.log("frontend: vendor files copied to frontend/dist/vendor");
