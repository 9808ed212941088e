// The in-page PDF viewer: pdf.js draws one page at a time on a canvas, with previous and
// next buttons; the worker is a static file next to this bundle. The PDF is fetched from
// the same permission-checked download URL (with Range requests).
import { GlobalWorkerOptions, getDocument } from "pdfjs-dist";

for (const viewer of document.querySelectorAll("[data-pdf-viewer]")) {
  GlobalWorkerOptions.workerSrc = viewer.dataset.worker;
  const canvas = viewer.querySelector("[data-pdf-canvas]");
  const status = viewer.querySelector("[data-pdf-status]");
  const prev = viewer.querySelector("[data-pdf-prev]");
  const next = viewer.querySelector("[data-pdf-next]");
  const template = viewer.dataset.textPage || "{page} / {pages}";
  let pdf = null;
  let current = 1;

  async function show(number) {
    const page = await pdf.getPage(number);
    const width = Math.min(viewer.clientWidth || 800, 1000);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / base.width });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    await page.render({
      canvas,
      viewport,
      transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
    }).promise;
    current = number;
    status.textContent = template.replace("{page}", number).replace("{pages}", pdf.numPages);
    prev.disabled = number <= 1;
    next.disabled = number >= pdf.numPages;
    viewer.dataset.rendered = String(number);
  }

  prev.addEventListener("click", () => current > 1 && show(current - 1));
  next.addEventListener("click", () => current < pdf.numPages && show(current + 1));
  getDocument({ url: viewer.dataset.url, withCredentials: true, isEvalSupported: false })
    .promise.then((doc) => {
      pdf = doc;
      return show(1);
    })
    .catch(() => {
      status.textContent = viewer.dataset.textError || "";
    });
}
