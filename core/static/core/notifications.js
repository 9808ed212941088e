// The tab's one live socket (/ws/): notifications (header counter, polite announcements)
// and the streams of modules, which plug in through window.MaillageLive:
//   MaillageLive.subscribe("chat", { open: function (send) {...}, frame: function (f) {...} })
// `open` runs after every (re)connection once the server said hello (subscribe and resume
// there); `frame` gets every frame whose type starts with "chat.", and error frames.
// Texts come translated from the server.
// When the server closes the socket because the session has ended (4401), the page stops
// reconnecting and offers to sign in again (its text is in the page, translated).
(function () {
  "use strict";

  var badge = document.querySelector("[data-notification-count]");
  var toasts = document.querySelector("[data-notification-toasts]");
  if (!badge || !("WebSocket" in window)) return;

  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + "/ws/";
  var current = null;
  var subscribers = {};
  var queue = [];

  function send(frame) {
    if (current && current.readyState === WebSocket.OPEN && current.greeted) {
      current.send(JSON.stringify(frame));
    } else {
      queue.push(frame);
    }
  }

  window.MaillageLive = {
    subscribe: function (stream, handlers) {
      subscribers[stream] = handlers;
      if (current && current.greeted && handlers.open) handlers.open(send);
    },
    send: send
  };
  var lastSeq = null;
  var retry = 1000;
  // No signed-in session: stop, and offer to sign in again.
  var SIGNED_OUT = 4401;
  // The account was closed: stop.
  var ACCOUNT_CLOSED = 4403;
  // Closed for sending too much: come back, but not soon.
  var FLOODING = 4429;
  // A session that ended while connected gets one more try: a password changed in another
  // tab gives this browser a new session, whose cookie may arrive just after the close.
  var retriedSignedOut = false;
  // A page catching up after a long absence announces only its newest few.
  var ANNOUNCED_PER_PAGE = 3;

  function setCount(n) {
    var count = badge.querySelector("[data-count]");
    count.textContent = n > 99 ? "99+" : String(n);
    badge.hidden = n === 0;
    document.dispatchEvent(new CustomEvent("maillage:unread", { detail: { unread: n } }));
  }

  function setStreamCount(stream, n) {
    document.querySelectorAll('[data-live-stream="' + stream + '"] [data-nav-count]').forEach(
      function (navBadge) {
        navBadge.querySelector("[data-count]").textContent = n > 99 ? "99+" : String(n);
        navBadge.hidden = n === 0;
      }
    );
  }

  function announce(item) {
    if (!toasts) return;
    var toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("data-notification-id", item.id);
    var text = item.url ? document.createElement("a") : document.createElement("span");
    if (item.url) text.href = item.url;
    text.textContent = item.text;
    toast.appendChild(text);
    toasts.appendChild(toast);
    window.setTimeout(function () { toast.remove(); }, 12000);
    document.dispatchEvent(new CustomEvent("maillage:notification", { detail: item }));
  }

  function showSignedOut() {
    var status = document.querySelector("[data-session-status]");
    var message = document.querySelector("template[data-session-ended]");
    if (!status || !message || status.childElementCount) return;
    status.appendChild(message.content.cloneNode(true));
  }

  function resume(socket) {
    if (lastSeq !== null && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "resume", after: lastSeq }));
    }
  }

  function connect() {
    var socket = new WebSocket(url);
    var greeted = false;
    current = socket;
    socket.addEventListener("open", function () { retry = 1000; });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "hello") {
        greeted = true;
        retriedSignedOut = false;
        if (lastSeq !== null && frame.last_seq > lastSeq) {
          // Reconnected after missing some: ask for what came in between.
          resume(socket);
        } else {
          lastSeq = frame.last_seq;
        }
        setCount(frame.unread);
        socket.greeted = true;
        // (Re)connected: an open activity feed catches up on what it may have missed.
        document.dispatchEvent(new CustomEvent("maillage:feed", { detail: {} }));
        // Header links fed by a stream ask it for their counter.
        document.querySelectorAll("[data-live-stream]").forEach(function (link) {
          socket.send(JSON.stringify({ type: link.getAttribute("data-live-stream") + ".subscribe" }));
        });
        Object.keys(subscribers).forEach(function (key) {
          if (subscribers[key].open) subscribers[key].open(send);
        });
        queue.splice(0).forEach(send);
      } else if (frame.type.indexOf(".") > 0) {
        var stream = frame.type.split(".")[0];
        if (typeof frame.unread_total === "number") setStreamCount(stream, frame.unread_total);
        var handlers = subscribers[stream];
        if (handlers && handlers.frame) handlers.frame(frame);
      } else if (frame.type === "resume") {
        // One page of what was missed; ask for the next while there is more.
        frame.notifications.slice(-ANNOUNCED_PER_PAGE).forEach(announce);
        lastSeq = Math.max(lastSeq || 0, frame.last_seq);
        setCount(frame.unread);
        if (frame.more) resume(socket);
      } else if (frame.type === "notification") {
        lastSeq = Math.max(lastSeq || 0, frame.notification.seq);
        setCount(frame.unread);
        announce(frame.notification);
      } else if (frame.type === "feed") {
        // A new item for the activity feed (its id only): the feed page fetches it.
        document.dispatchEvent(new CustomEvent("maillage:feed", { detail: { id: frame.id } }));
      } else if (frame.type === "unread") {
        setCount(frame.unread);
      } else if (frame.type === "error") {
        if (frame.code === "rate_limited") {
          // Asked too fast (a long catch-up): take up again a little later.
          window.setTimeout(function () { resume(socket); }, 5000);
        }
        Object.keys(subscribers).forEach(function (key) {
          if (subscribers[key].frame) subscribers[key].frame(frame);
        });
      }
    });
    socket.addEventListener("close", function (event) {
      if (event.code === SIGNED_OUT) {
        if (greeted && !retriedSignedOut) {
          retriedSignedOut = true;
          window.setTimeout(connect, 2000);
        } else {
          showSignedOut();
        }
        return;
      }
      if (event.code === ACCOUNT_CLOSED) return;
      if (event.code === FLOODING) retry = 30000;
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  connect();
})();
