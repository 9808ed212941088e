// Uploads of the files module: several files at once, by drag and drop or the file picker,
// a progress bar per file and the server's own message for each refused file. Uppy sends
// each file in its own request to the same view the plain form posts to (which keeps
// working without JavaScript). Texts come from the page (data-* attributes), so they are
// translated by Django like the rest.
import Uppy from "@uppy/core";
import XHRUpload from "@uppy/xhr-upload";

function text(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

function setup(form) {
  const section = form.closest("section") || form.parentElement;
  const list = section.querySelector("[data-upload-list]");
  const area = section.querySelector("[data-upload-area]");
  const input = form.querySelector('input[type="file"]');
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  const folder = form.querySelector('input[name="folder"]');
  const t = form.dataset;
  const maxBytes = Number(t.maxBytes) * 1024 * 1024;
  const rows = new Map();

  const uppy = new Uppy({
    autoProceed: true,
    restrictions: { maxFileSize: maxBytes },
    meta: folder ? { folder: folder.value } : {},
  });
  uppy.use(XHRUpload, {
    endpoint: form.action,
    fieldName: "files",
    formData: true,
    allowedMetaFields: folder ? ["folder"] : [],
    headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    limit: 3,
    shouldRetry: () => false,
  });

  function row(file) {
    let item = rows.get(file.id);
    if (!item) {
      item = document.createElement("li");
      const label = document.createElement("span");
      label.className = "upload-name";
      label.textContent = file.name + " ";
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", text(t.textProgress, { name: file.name }));
      const status = document.createElement("span");
      status.className = "upload-status";
      item.append(label, bar, " ", status);
      list.append(item);
      rows.set(file.id, item);
    }
    return item;
  }

  function setStatus(file, message, isError) {
    const item = row(file);
    const status = item.querySelector(".upload-status");
    status.textContent = message;
    item.classList.toggle("upload-error", Boolean(isError));
  }

  uppy.on("file-added", (file) => setStatus(file, t.textWaiting));
  uppy.on("restriction-failed", (file, error) => {
    if (file) setStatus(file, text(t.textTooLarge, { name: file.name }), true);
  });
  uppy.on("upload-progress", (file, progress) => {
    const item = row(file);
    const percent = progress.bytesTotal ? Math.round((100 * progress.bytesUploaded) / progress.bytesTotal) : 0;
    item.querySelector("progress").value = percent;
    item.querySelector(".upload-status").textContent = `${percent} %`;
  });
  uppy.on("upload-success", (file, response) => {
    const item = row(file);
    item.querySelector("progress").value = 100;
    const result = response.body?.results?.[0];
    setStatus(file, text(t.textDone, { name: result?.name || file.name }));
    item.dataset.done = "true";
  });
  uppy.on("upload-error", (file, error, request) => {
    let message = t.textFailed;
    try {
      message = JSON.parse(request.responseText).error || message;
    } catch (_) {
      // Not our JSON (network failure, proxy limit): the generic message says so.
    }
    setStatus(file, message, true);
    uppy.removeFile(file.id);
  });
  uppy.on("complete", (result) => {
    if (result.successful?.length) {
      const reload = document.createElement("li");
      const link = document.createElement("a");
      link.href = window.location.href;
      link.textContent = t.textRefresh;
      reload.append(link);
      list.append(reload);
    }
    for (const file of result.successful || []) uppy.removeFile(file.id);
  });

  function add(files) {
    for (const file of files) {
      try {
        uppy.addFile({ name: file.name, type: file.type, data: file, source: "local" });
      } catch (_) {
        // A restriction failed: "restriction-failed" already said why under the file.
      }
    }
  }

  // The picker uploads at once; the drop area takes files dragged onto it.
  input.removeAttribute("required");
  input.addEventListener("change", () => {
    add(Array.from(input.files));
    input.value = "";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    add(Array.from(input.files));
    input.value = "";
  });
  form.querySelector('button[type="submit"]').hidden = true;
  area.hidden = false;
  area.className = "upload-drop";
  area.textContent = t.textDrop;
  area.tabIndex = 0;
  area.setAttribute("role", "button");
  area.addEventListener("click", () => input.click());
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      input.click();
    }
  });
  for (const name of ["dragenter", "dragover"]) {
    area.addEventListener(name, (event) => {
      event.preventDefault();
      area.classList.add("is-dragging");
    });
  }
  area.addEventListener("dragleave", () => area.classList.remove("is-dragging"));
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    area.classList.remove("is-dragging");
    add(Array.from(event.dataTransfer.files));
  });
}

for (const form of document.querySelectorAll("form[data-upload]")) setup(form);
