// The chat page, live: on the tab's one socket (core/notifications.js, window.MaillageLive),
// stream "chat". Every change to a room comes whole with its `rev` (the room's sequence
// number of that change); the page keeps the last one it applied in order, and on a gap or
// a reconnection asks for what followed it ("chat.resume"). Sends carry a client id: a send
// retried after a reconnection is stored once. Messages' HTML comes sanitized from the
// server (core/markdown.py); everything else is inserted as text.
(function () {
  "use strict";

  var pane = document.querySelector("[data-chat-room-pane]");
  var list = document.querySelector("[data-chat-room-list]");
  if (!window.MaillageLive) return;

  var texts = {};
  var textsNode = document.querySelector("template[data-chat-texts]");
  if (textsNode) {
    Array.prototype.forEach.call(textsNode.attributes, function (attr) {
      texts[attr.name.replace("data-", "")] = attr.value;
    });
  }

  var reactionChoices = (texts.reactions || "👍").split(" ");
  var send = null;
  var roomId = pane ? Number(pane.getAttribute("data-chat-room-pane")) : null;
  var me = pane ? Number(pane.getAttribute("data-user")) : null;
  var canPost = pane && pane.getAttribute("data-can-post") === "1";
  var canModerate = pane && pane.getAttribute("data-can-moderate") === "1";
  var lastRev = pane ? Number(pane.getAttribute("data-last-seq")) : 0;
  var resuming = false;
  var loadingOlder = false;
  var noOlder = !document.querySelector("[data-chat-older]");
  var pending = {}; // client id → frame, until acknowledged
  var replyTo = null;
  var typingPeople = {};
  var lastTypingSent = 0;
  var enhanced = false;

  var messages = pane && pane.querySelector("[data-chat-messages]");
  var announcer = pane && pane.querySelector("[data-chat-announce]");
  var typingLine = pane && pane.querySelector("[data-chat-typing]");
  var composer = pane && pane.querySelector("[data-chat-composer]");
  var textarea = composer && composer.querySelector("textarea");
  var replying = composer && composer.querySelector("[data-chat-replying]");
  var presence = pane && pane.querySelector("[data-chat-presence]");

  function format(text, words) {
    return text.replace(/\{(\w+)\}/g, function (_m, key) { return words[key] || ""; });
  }

  function clientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  }

  // --- Room list -----------------------------------------------------------------------------

  function setRoomUnread(id, n) {
    if (!list) return;
    var item = list.querySelector('[data-chat-room="' + id + '"]');
    if (!item) return;
    var badge = item.querySelector("[data-chat-unread]");
    badge.querySelector("[data-count]").textContent = String(n);
    badge.hidden = n === 0 || item.hasAttribute("data-muted");
  }

  function bumpRoom(id) {
    if (!list) return;
    var item = list.querySelector('[data-chat-room="' + id + '"]');
    if (item && item.parentNode.firstElementChild !== item) {
      item.parentNode.insertBefore(item, item.parentNode.firstElementChild);
    }
  }

  // --- Messages ------------------------------------------------------------------------------

  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "link-button";
    b.textContent = label;
    b.setAttribute("data-action", action);
    return b;
  }

  function render(m) {
    var li = document.createElement("li");
    li.className = "chat-message" + (m.deleted ? " is-deleted" : "");
    li.id = "m" + m.seq;
    li.setAttribute("data-seq", m.seq);
    li.setAttribute("data-rev", m.rev);
    li.setAttribute("data-author", m.author.id || "");
    li.setAttribute("tabindex", "-1");
    var meta = document.createElement("p");
    meta.className = "chat-meta";
    var who = document.createElement("strong");
    who.textContent = m.author.name;
    var when = document.createElement("time");
    when.dateTime = m.created_at;
    when.textContent = new Date(m.created_at).toLocaleString(document.documentElement.lang);
    meta.appendChild(who);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(when);
    if (m.edited && !m.deleted) {
      var edited = document.createElement("span");
      edited.className = "meta";
      edited.textContent = " (" + texts.edited + ")";
      meta.appendChild(edited);
    }
    li.appendChild(meta);
    if (m.reply_to) {
      var reply = document.createElement("p");
      reply.className = "chat-reply";
      var link = document.createElement("a");
      link.href = "#m" + m.reply_to.seq;
      link.textContent = texts["in-reply"] + " " + m.reply_to.author;
      reply.appendChild(link);
      if (m.reply_to.excerpt) reply.appendChild(document.createTextNode(" : " + m.reply_to.excerpt));
      li.appendChild(reply);
    }
    if (m.deleted) {
      var gone = document.createElement("p");
      gone.className = "meta";
      gone.textContent = texts.deleted;
      li.appendChild(gone);
      return li;
    }
    var body = document.createElement("div");
    body.className = "chat-body";
    body.innerHTML = m.html; // sanitized by the server when stored
    li.appendChild(body);
    if (m.attachments.length) {
      var files = document.createElement("ul");
      files.className = "chat-files";
      m.attachments.forEach(function (a) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = a.url;
        link.textContent = a.name;
        item.appendChild(link);
        files.appendChild(item);
      });
      li.appendChild(files);
    }
    var reactions = Object.keys(m.reactions);
    if (reactions.length) {
      var line = document.createElement("p");
      line.className = "chat-reactions";
      reactions.forEach(function (emoji) {
        var r = button(emoji + " " + m.reactions[emoji].length, "react");
        r.setAttribute("data-emoji", emoji);
        r.setAttribute("aria-pressed", m.reactions[emoji].indexOf(me) >= 0 ? "true" : "false");
        line.appendChild(r);
      });
      li.appendChild(line);
    }
    if (canPost || canModerate) {
      var tools = document.createElement("div");
      tools.className = "chat-actions";
      if (canPost) {
        tools.appendChild(button(texts.reply, "reply"));
        // The reactions the server takes, behind one « React » button (a disclosure: Enter
        // or Space opens it, Tab walks through the choices).
        var picker = document.createElement("details");
        picker.className = "chat-react";
        var summary = document.createElement("summary");
        summary.textContent = texts.react;
        picker.appendChild(summary);
        reactionChoices.forEach(function (emoji) {
          var choice = button(emoji, "react");
          choice.setAttribute("data-emoji", emoji);
          choice.setAttribute("aria-label", texts.react + " " + emoji);
          picker.appendChild(choice);
        });
        tools.appendChild(picker);
      }
      if (m.author.id === me && canPost) tools.appendChild(button(texts.edit, "edit"));
      if (m.author.id === me || canModerate) tools.appendChild(button(texts.delete, "delete"));
      li.appendChild(tools);
    }
    li._body = m.body;
    li._author = m.author.name;
    return li;
  }

  function upsert(m, older) {
    var empty = messages.querySelector("[data-chat-empty]");
    if (empty) empty.remove();
    var existing = document.getElementById("m" + m.seq);
    if (existing) {
      if (Number(existing.getAttribute("data-rev")) >= m.rev && existing._body !== undefined) {
        return false;
      }
      var fresh = render(m);
      var editing = existing.querySelector("form.chat-edit");
      if (editing && !m.deleted) {
        fresh.querySelector(".chat-body").hidden = true;
        fresh.querySelector(".chat-body").after(editing);
      }
      existing.replaceWith(fresh);
      return false;
    }
    var node = render(m);
    // In seq order, wherever it belongs (a resumed message may come before a live one).
    var after = null;
    var items = messages.querySelectorAll("[data-seq]");
    for (var i = items.length - 1; i >= 0; i--) {
      if (Number(items[i].getAttribute("data-seq")) < m.seq) { after = items[i]; break; }
    }
    if (after) after.after(node);
    else messages.insertBefore(node, messages.firstChild);
    return !older;
  }

  function nearBottom() {
    return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
  }

  function apply(m, live) {
    var stick = nearBottom();
    var isNew = upsert(m, false);
    if (stick) messages.scrollTop = messages.scrollHeight;
    if (isNew && live && m.author.id !== me && !m.deleted && m.seq === m.rev) {
      announcer.textContent = format(texts["new-message"], { name: m.author.name });
      delete typingPeople[m.author.id];
      showTyping();
      desktopNotify(m);
    }
  }

  function markRead() {
    if (!send || document.hidden) return;
    var items = messages.querySelectorAll("[data-seq]");
    if (!items.length) return;
    send({ type: "chat.read", room: roomId, seq: Number(items[items.length - 1].getAttribute("data-seq")) });
  }

  function resume() {
    if (resuming || !send) return;
    resuming = true;
    send({ type: "chat.resume", room: roomId, after: lastRev });
  }

  // --- Typing, presence, desktop notifications -----------------------------------------------

  function showTyping() {
    var now = Date.now();
    var names = Object.keys(typingPeople)
      .filter(function (id) { return typingPeople[id].until > now; })
      .map(function (id) { return typingPeople[id].name; });
    typingLine.textContent = names.length ? format(texts.typing, { names: names.join(", ") }) : "";
  }

  function sendPresence() {
    if (send) send({ type: "chat.presence", state: document.hidden ? "away" : "online" });
  }

  function askWho() {
    if (send && presence) send({ type: "chat.who", room: roomId });
  }

  function desktopNotify(m) {
    if (!document.hidden || !("Notification" in window)) return;
    if (Notification.permission !== "granted") return;
    var plain = document.createElement("div");
    plain.innerHTML = m.html;
    new Notification(m.author.name, { body: plain.textContent.slice(0, 140), tag: "chat-" + m.room });
  }

  // --- The socket ----------------------------------------------------------------------------

  function onFrame(frame) {
    if (frame.type === "chat.hello") {
      frame.rooms.forEach(function (r) { setRoomUnread(r.id, r.id === roomId ? 0 : r.unread); });
    } else if (frame.type === "chat.message") {
      if (frame.room !== roomId) {
        bumpRoom(frame.room);
        if (frame.message.author.id !== me && frame.message.seq === frame.message.rev) {
          var item = list && list.querySelector('[data-chat-room="' + frame.room + '"] [data-count]');
          if (item) setRoomUnread(frame.room, Number(item.textContent) + 1);
        }
        return;
      }
      var m = frame.message;
      if (m.rev > lastRev + 1) {
        apply(m, true);
        resume(); // a gap: something was lost on the way
      } else {
        apply(m, true);
        if (!resuming) lastRev = Math.max(lastRev, m.rev);
      }
      bumpRoom(roomId);
      markRead();
    } else if (frame.type === "chat.resume" && frame.room === roomId) {
      frame.messages.forEach(function (m) { apply(m, false); });
      lastRev = Math.max(lastRev, frame.last_rev);
      resuming = false;
      if (frame.more) resume();
      else markRead();
    } else if (frame.type === "chat.history" && frame.room === roomId) {
      var height = messages.scrollHeight;
      var atBottom = nearBottom();
      frame.messages.forEach(function (m) { upsert(m, true); });
      if (atBottom && !frame.older) messages.scrollTop = messages.scrollHeight;
      else messages.scrollTop += messages.scrollHeight - height;
      noOlder = !frame.more;
      loadingOlder = false;
    } else if (frame.type === "chat.ack") {
      delete pending[frame.client_id];
    } else if (frame.type === "chat.typing" && frame.room === roomId) {
      typingPeople[frame.user] = { name: frame.name, until: Date.now() + 5000 };
      showTyping();
      window.setTimeout(showTyping, 5100);
    } else if (frame.type === "chat.who" && frame.room === roomId) {
      var shown = frame.people
        .filter(function (p) { return p.id !== me && p.state !== "offline"; })
        .map(function (p) { return p.name + " (" + texts[p.state] + ")"; });
      presence.textContent = shown.join(", ");
    } else if (frame.type === "chat.read" && frame.room !== roomId) {
      setRoomUnread(frame.room, 0);
    } else if (frame.type === "chat.left" && frame.room === roomId) {
      if (composer) composer.hidden = true;
    } else if (frame.type === "error" && frame.client_id && pending[frame.client_id]) {
      // Refused (too long, too fast…): give the text back and say why.
      var refused = pending[frame.client_id];
      delete pending[frame.client_id];
      if (textarea && !textarea.value) textarea.value = refused.body;
      announcer.textContent = frame.message;
      var error = composer.querySelector("[data-chat-error]") || document.createElement("p");
      error.className = "alert alert-error";
      error.setAttribute("data-chat-error", "");
      error.textContent = frame.message;
      composer.insertBefore(error, composer.firstChild);
    }
  }

  window.MaillageLive.subscribe("chat", {
    open: function (sendFrame) {
      send = sendFrame;
      send({ type: "chat.subscribe" });
      if (!pane) return;
      if (!enhanced) {
        // The page's last messages again, as data: drawn with their buttons (reply,
        // react, edit, delete), which the server-rendered history (read without
        // JavaScript) does not have.
        enhanced = true;
        loadingOlder = true;
        send({ type: "chat.history", room: roomId });
      }
      resuming = false;
      resume();
      // Sends not acknowledged before the connection dropped: the same client ids again.
      Object.keys(pending).forEach(function (id) { send(pending[id]); });
      sendPresence();
      askWho();
    },
    frame: onFrame
  });

  if (!pane) return;
  pane.classList.add("js");
  messages.scrollTop = messages.scrollHeight;
  window.setInterval(function () { sendPresence(); askWho(); }, 30000);
  document.addEventListener("visibilitychange", function () {
    sendPresence();
    if (!document.hidden) markRead();
  });

  messages.addEventListener("scroll", function () {
    if (messages.scrollTop > 40 || loadingOlder || noOlder || !send) return;
    var first = messages.querySelector("[data-seq]");
    if (!first) return;
    loadingOlder = true;
    send({ type: "chat.history", room: roomId, before: Number(first.getAttribute("data-seq")) });
  });
  var olderLink = pane.querySelector("[data-chat-older]");
  if (olderLink) {
    olderLink.addEventListener("click", function (event) {
      if (!send) return;
      event.preventDefault();
      messages.scrollTop = 0;
      messages.dispatchEvent(new Event("scroll"));
    });
  }

  // Editing one's message in place: its text in a box under a label, Enter or « Save »
  // sends it, Escape or « Cancel » puts the message back. The server's echo redraws it.
  function closeEditor(li) {
    var form = li.querySelector("form.chat-edit");
    if (form) form.remove();
    var body = li.querySelector(".chat-body");
    if (body) body.hidden = false;
    var edit = li.querySelector('[data-action="edit"]');
    if (edit) edit.focus();
  }

  function openEditor(li, seq) {
    var body = li.querySelector(".chat-body");
    if (!body || li.querySelector("form.chat-edit")) return;
    var form = document.createElement("form");
    form.className = "chat-edit";
    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = "chat-edit-" + seq;
    label.textContent = texts.edit;
    var box = document.createElement("textarea");
    box.id = "chat-edit-" + seq;
    box.rows = 3;
    box.value = li._body || "";
    var save = document.createElement("button");
    save.type = "submit";
    save.textContent = texts.save;
    form.append(label, box, save, button(texts.cancel, "cancel-edit"));
    // The message may be redrawn while the box is open (the form moves to the new one).
    var current = function () { return form.closest("[data-seq]"); };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (box.value.trim() && box.value !== current()._body) {
        send({ type: "chat.edit", room: roomId, seq: seq, body: box.value });
      }
      closeEditor(current());
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeEditor(current());
      } else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    body.hidden = true;
    body.after(form);
    box.focus();
  }

  messages.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target) return;
    var li = target.closest("[data-seq]");
    var seq = Number(li.getAttribute("data-seq"));
    var action = target.getAttribute("data-action");
    if (action === "reply") {
      replyTo = seq;
      replying.hidden = false;
      replying.textContent = texts.replying + " " + (li._author || "") + " ";
      var cancel = button(texts.cancel, "cancel-reply");
      cancel.addEventListener("click", function () { replyTo = null; replying.hidden = true; });
      replying.appendChild(cancel);
      textarea.focus();
    } else if (action === "react") {
      send({ type: "chat.react", room: roomId, seq: seq, emoji: target.getAttribute("data-emoji") });
      var open = target.closest("details");
      if (open) open.open = false;
    } else if (action === "delete") {
      if (window.confirm(texts["confirm-delete"])) send({ type: "chat.delete", room: roomId, seq: seq });
    } else if (action === "edit") {
      openEditor(li, seq);
    } else if (action === "cancel-edit") {
      closeEditor(li);
    }
  });

  var desktop = pane.querySelector("[data-chat-desktop]");
  if (desktop && "Notification" in window && Notification.permission === "default") {
    desktop.hidden = false;
    desktop.addEventListener("click", function () {
      Notification.requestPermission().then(function () { desktop.hidden = true; });
    });
  }

  if (!composer) return;
  composer.querySelector("[data-chat-keys]").hidden = false;
  textarea.setAttribute("aria-describedby", "chat-help");
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  textarea.addEventListener("input", function () {
    var now = Date.now();
    if (send && now - lastTypingSent > 3000 && textarea.value) {
      lastTypingSent = now;
      send({ type: "chat.typing", room: roomId });
    }
  });
  composer.addEventListener("submit", function (event) {
    if (!send) return; // no live connection: the plain form posts
    event.preventDefault();
    var body = textarea.value.trim();
    if (!body) return;
    var error = composer.querySelector("[data-chat-error]");
    if (error) error.remove();
    var frame = { type: "chat.send", room: roomId, client_id: clientId(), body: body };
    if (replyTo) frame.reply_to = replyTo;
    pending[frame.client_id] = frame;
    send(frame);
    textarea.value = "";
    replyTo = null;
    replying.hidden = true;
    lastTypingSent = 0;
  });
})();
