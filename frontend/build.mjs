// Builds what Django serves from frontend/dist (STATICFILES_DIRS), after `npm ci`:
// - vendor/: the distributed files of npm packages used as they are (Leaflet), only what
//   the pages load (and the source maps those files name, which `collectstatic` checks);
// - documents/: the editor of co-edited documents (Tiptap on Yjs, y-websocket);
// - files/: the upload widget (Uppy) and the PDF viewer (pdf.js) of the files module,
//   bundled by esbuild from src/files, plus pdf.js's worker.
// Run by `make` (frontend/dist/.built). No CDN: everything comes from node_modules.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const out = join(dist, "vendor");
rmSync(dist, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const copies = [
  ["htmx.org/dist", "htmx.org", ["htmx.min.js"]],
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

await build({
  entryPoints: [join(here, "src/files/upload.js"), join(here, "src/files/pdf-viewer.js")],
  outdir: join(dist, "files"),
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  logLevel: "warning",
});
// The co-edited documents' editor: Tiptap, Yjs and y-websocket in one module.
await build({
  entryPoints: [join(here, "src/documents/editor.js")],
  outdir: join(dist, "documents"),
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  logLevel: "warning",
});
cpSync(
  join(here, "node_modules/pdfjs-dist/build/pdf.worker.min.mjs"),
  join(dist, "files/pdf.worker.min.mjs"),
);

writeFileSync(join(dist, ".built"), new Date().toISOString() + "\n");
console.log("frontend: vendor files copied, files module bundles built in frontend/dist");
