// The co-edited document's editor: Tiptap on a Yjs document, kept in sync with the server's
// room through y-websocket (/ws/documents/<id>), carets of the others with their name and
// colour, an accessible toolbar, and a « saved » indicator that tells the truth: it says
// saved only when every change of this page has been acknowledged by the server, which
// acknowledges a change after committing it to the database (the room's `?ack=1`).
import { Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import Image from "@tiptap/extension-image";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { TableKit } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";
import * as decoding from "lib0/decoding";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

const MESSAGE_SAVED = 100;
// Close codes after which reconnecting would not help (see extranet/documents/consumers.py).
const FINAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4404, 4410, 4413, 4429]);
// Dark enough for white names on them (WCAG AA).
const COLOURS = ["#1d3f6e", "#8a1c1c", "#1d5e2c", "#6b2c91", "#8a4b00", "#00606b", "#a0115a", "#3d4a00"];

const host = document.querySelector("[data-editor]");
if (host) start(host);

function start(host) {
  const text = (name) => host.dataset[`text${name}`] || "";
  const writable = host.dataset.writable === "true";
  const status = document.querySelector("[data-doc-status]");
  const people = document.querySelector("[data-doc-people]");
  const userId = Number(host.dataset.userId || 0);
  const me = { name: host.dataset.userName || "?", color: COLOURS[userId % COLOURS.length] };

  // Frames of this page's socket that carry changes (sync step 2 and updates), counted as
  // they leave; the server acknowledges them, in order, once committed.
  const counter = { sent: 0, acked: 0 };
  class CountingWebSocket extends WebSocket {
    constructor(...args) {
      super(...args);
      counter.sent = 0;
      counter.acked = 0;
    }
    send(data) {
      if (data instanceof Uint8Array && data[0] === 0 && (data[1] === 1 || data[1] === 2)) {
        counter.sent += 1;
      }
      super.send(data);
    }
  }

  const ydoc = new Y.Doc();
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const provider = new WebsocketProvider(
    `${scheme}://${window.location.host}${host.dataset.socket}`,
    host.dataset.document,
    ydoc,
    { params: { ack: "1" }, WebSocketPolyfill: CountingWebSocket, disableBc: true },
  );
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    counter.acked = decoding.readVarUint(decoder);
    showStatus();
  };

  let changedOffline = false;
  let closedReason = null;
  ydoc.on("update", (_update, origin) => {
    if (origin !== provider) {
      if (!provider.wsconnected) changedOffline = true;
      showStatus();
    }
  });

  function saved() {
    return provider.wsconnected && provider.synced && counter.sent === counter.acked;
  }

  function showStatus() {
    if (!status) return;
    let state;
    let label;
    if (closedReason !== null) {
      state = "closed";
      label = `${text("Closed")} ${closedReason}`;
    } else if (!provider.wsconnected) {
      state = changedOffline ? "offline" : "connecting";
      label = changedOffline ? text("Offline") : text("Connecting");
    } else if (!writable) {
      state = provider.synced ? "readonly" : "connecting";
      label = provider.synced ? text("Readonly") : text("Connecting");
    } else if (saved()) {
      changedOffline = false;
      state = "saved";
      label = text("Saved");
    } else {
      state = "saving";
      label = text("Saving");
    }
    if (status.dataset.state !== state || status.textContent !== label) {
      status.dataset.state = state;
      status.textContent = label;
    }
  }
  provider.on("status", showStatus);
  provider.on("sync", showStatus);
  provider.on("connection-close", (event) => {
    if (event && FINAL_CLOSE_CODES.has(event.code)) {
      provider.shouldConnect = false;
      closedReason = event.reason || String(event.code);
    }
    showStatus();
  });
  window.addEventListener("beforeunload", (event) => {
    if (writable && !saved()) event.preventDefault();
  });

  const editor = new Editor({
    element: host,
    injectCSS: false,
    editable: writable,
    extensions: [
      StarterKit.configure({
        undoRedo: false, // Yjs keeps the history: each person undoes their own changes
        link: { openOnClick: false, autolink: true, defaultProtocol: "https" },
      }),
      TaskList,
      TaskItem.configure({ nested: true }),
      TableKit.configure({ table: { resizable: false } }),
      Image.configure({ inline: false }),
      Collaboration.configure({ document: ydoc, field: "default" }),
      CollaborationCaret.configure({ provider, user: me }),
    ],
    editorProps: {
      attributes: {
        "aria-label": text("Content"),
        "aria-multiline": "true",
        role: "textbox",
        ...(writable ? {} : { "aria-readonly": "true" }),
      },
    },
  });
  window.maillageEditor = editor; // for the browser tests

  if (writable) buildToolbar(host, editor, text);

  const showPeople = () => {
    if (!people) return;
    const names = [];
    provider.awareness.getStates().forEach((state, client) => {
      if (client !== ydoc.clientID && state.user && state.user.name) names.push(state.user.name);
    });
    people.textContent = names.length ? `✎ ${[...new Set(names)].join(", ")}` : "";
  };
  provider.awareness.on("change", showPeople);
  showStatus();
}

function buildToolbar(host, editor, text) {
  const bar = document.createElement("div");
  bar.className = "editor-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", text("Toolbar"));
  const buttons = [];
  const add = (label, shortcut, run, active) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.title = shortcut ? `${label} (${shortcut})` : label;
    if (shortcut) button.setAttribute("aria-keyshortcuts", shortcut.replaceAll("Ctrl", "Control"));
    button.tabIndex = buttons.length ? -1 : 0;
    button.addEventListener("click", () => {
      run(editor.chain().focus()).run();
    });
    buttons.push({ button, active });
    bar.append(button);
    return button;
  };
  const separator = () => {
    const span = document.createElement("span");
    span.className = "separator";
    span.setAttribute("aria-hidden", "true");
    bar.append(span);
  };
  add(text("Bold"), "Ctrl+B", (c) => c.toggleBold(), () => editor.isActive("bold"));
  add(text("Italic"), "Ctrl+I", (c) => c.toggleItalic(), () => editor.isActive("italic"));
  add(text("Strike"), "Ctrl+Shift+S", (c) => c.toggleStrike(), () => editor.isActive("strike"));
  separator();
  add(text("Paragraph"), "Ctrl+Alt+0", (c) => c.setParagraph(), () => editor.isActive("paragraph"));
  for (const level of [1, 2, 3]) {
    add(text(`H${level}`), `Ctrl+Alt+${level}`, (c) => c.toggleHeading({ level }), () =>
      editor.isActive("heading", { level }),
    );
  }
  separator();
  add(text("Bullets"), "Ctrl+Shift+8", (c) => c.toggleBulletList(), () => editor.isActive("bulletList"));
  add(text("Numbers"), "Ctrl+Shift+7", (c) => c.toggleOrderedList(), () => editor.isActive("orderedList"));
  add(text("Tasks"), "Ctrl+Shift+9", (c) => c.toggleTaskList(), () => editor.isActive("taskList"));
  add(text("Quote"), "Ctrl+Shift+B", (c) => c.toggleBlockquote(), () => editor.isActive("blockquote"));
  separator();
  add(text("Link"), "", (c) => {
    const previous = editor.getAttributes("link").href || "";
    const href = window.prompt(text("LinkPrompt"), previous);
    if (href === null) return c;
    if (href.trim() === "") return c.extendMarkRange("link").unsetLink();
    return c.extendMarkRange("link").setLink({ href: href.trim() });
  }, () => editor.isActive("link"));
  add(text("Table"), "", (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }));
  add(text("Row"), "", (c) => c.addRowAfter());
  add(text("Column"), "", (c) => c.addColumnAfter());
  add(text("Image"), "", (c) => {
    pickImage(host, editor, text);
    return c;
  });
  separator();
  add(text("Undo"), "Ctrl+Z", (c) => c.undo());
  add(text("Redo"), "Ctrl+Shift+Z", (c) => c.redo());

  // One tab stop for the whole toolbar; arrows move inside it (WAI-ARIA toolbar pattern).
  bar.addEventListener("keydown", (event) => {
    const index = buttons.findIndex((b) => b.button === document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % buttons.length;
    if (event.key === "ArrowLeft") next = (index - 1 + buttons.length) % buttons.length;
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = buttons.length - 1;
    if (next === null) return;
    event.preventDefault();
    buttons[index].button.tabIndex = -1;
    buttons[next].button.tabIndex = 0;
    buttons[next].button.focus();
  });
  const refresh = () => {
    for (const { button, active } of buttons) {
      if (active) button.setAttribute("aria-pressed", active() ? "true" : "false");
    }
  };
  editor.on("transaction", refresh);
  refresh();
  host.prepend(bar);
}

async function pickImage(host, editor, text) {
  const dialog = document.querySelector("[data-image-picker]");
  const list = dialog && dialog.querySelector("[data-image-list]");
  if (!dialog || !list) return;
  list.replaceChildren();
  let images = [];
  try {
    const response = await fetch(host.dataset.imagesUrl, { credentials: "same-origin" });
    images = (await response.json()).images || [];
  } catch {
    images = [];
  }
  if (!images.length) {
    const item = document.createElement("li");
    item.textContent = text("NoImages");
    list.append(item);
  }
  for (const image of images) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const picture = document.createElement("img");
    picture.src = image.src;
    picture.alt = "";
    picture.loading = "lazy";
    button.append(picture, document.createTextNode(image.name));
    button.addEventListener("click", () => {
      dialog.close();
      editor.chain().focus().setImage({ src: image.src, alt: image.name }).run();
    });
    item.append(button);
    list.append(item);
  }
  dialog.showModal();
}
