/* Samen console: the live feed, keyboard shortcuts, dialogs and one-click suggestions.
 * HTMX does the requests; this file only tells HTMX when to reload which part. */
(function () {
  "use strict";
  var body = document.body;
  var conversation = body.getAttribute("data-conversation") || "";
  var timers = {};
  var socket = null;
  var retry = 1000;

  function later(key, fn, ms) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(fn, ms);
  }
  function refresh(name, ms) {
    later(name, function () {
      // Never reload the timeline under a correction the agent is filling in; wait till it closes.
      if (name === "timeline" && document.querySelector("#timeline details[open]")) { refresh(name, 1000); return; }
      if (window.htmx) htmx.trigger(body, "samen:" + name);
    }, ms || 250);
  }

  // live feed ---------------------------------------------------------------------------
  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/console/live" +
      (conversation ? "?conversation=" + encodeURIComponent(conversation) : "");
    socket = new WebSocket(url);
    socket.onopen = function () { retry = 1000; };
    socket.onmessage = function (e) { onEvent(JSON.parse(e.data)); };
    socket.onclose = function (e) {
      socket = null;
      if (e.code === 4401) { location.href = "/console/login?next=" + encodeURIComponent(location.pathname); return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  function send(data) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(data)); }
  setInterval(function () { send({ type: "ping" }); }, 25000);

  function about(ev) {
    if (ev.conversation) return ev.conversation.id;
    if (ev.message) return ev.message.conversation_id;
    return ev.conversation_id || "";
  }

  function onEvent(ev) {
    if (ev.type === "conversation" || ev.type === "presence" || ev.type === "activity") refresh("lists", 300);
    if (!conversation) return;
    var mine = about(ev) === conversation;
    if (ev.type === "typing") {
      if (ev.sender === "customer") showTyping(ev.typing);
      return;
    }
    if (!mine && ev.type !== "message") return;
    if (ev.type === "message") {
      refresh("timeline", 150);
      if (ev.message.sender === "customer") { showTyping(false); refresh("assist", 800); }
    } else if (ev.type === "conversation") {
      refresh("head", 150); refresh("timeline", 150);
    } else if (ev.type === "activity") {
      refresh("timeline", 150);
      if (ev.kind === "correction") refresh("packet", 150);
    }
  }

  function showTyping(on) {
    var el = document.getElementById("typing");
    if (el) el.textContent = on ? "The customer is typing…" : "";
    if (on) later("typing-off", function () { showTyping(false); }, 8000);
  }

  // the timeline stays at its newest end, unless the agent scrolled up to read -----------
  var scroller = document.getElementById("case-scroll");
  var pinned = true;
  function toBottom() { if (scroller && pinned) scroller.scrollTop = scroller.scrollHeight; }
  if (scroller) {
    scroller.addEventListener("scroll", function () {
      pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    });
    toBottom();
  }
  // A live refresh of the timeline must not close a correction the agent is halfway through.
  var kept = null;
  body.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (!target || target.id !== "timeline") return;
    kept = {};
    target.querySelectorAll("details[open][id]").forEach(function (d) {
      var values = {};
      d.querySelectorAll("select, textarea, input:not([type=hidden])").forEach(function (f) {
        if (f.name) values[f.name] = f.value;
      });
      kept[d.id] = values;
    });
  });
  // Put them back as soon as the new timeline is in (afterSwap), so that a click before the
  // settle ~20 ms later sends the agent's choice; and again after the settle, which gives
  // elements with an id their new attributes (closing the details again).
  function restore() {
    if (!kept) return;
    Object.keys(kept).forEach(function (id) {
      var d = document.getElementById(id);
      if (!d) return;
      d.open = true;
      Object.keys(kept[id]).forEach(function (name) {
        // Not just [name]: the quick-pick buttons are named "intent" too, and come first.
        var f = d.querySelector('select[name="' + name + '"], textarea[name="' + name + '"], ' +
          'input[name="' + name + '"]:not([type=hidden])');
        if (f) f.value = kept[id][name];
      });
    });
  }
  body.addEventListener("htmx:afterSwap", restore);
  body.addEventListener("htmx:afterSettle", function () {
    restore();
    kept = null;
    toBottom();
    countWaiting();
  });

  // the reply box ------------------------------------------------------------------------
  var composer = document.getElementById("composer");
  var box = document.getElementById("reply-text");
  function put(text) {
    if (!box) return;
    box.value = box.value.trim() ? box.value.replace(/\s*$/, "") + "\n\n" + text : text;
    var reply = composer && composer.querySelector('input[value="reply"]');
    if (reply && !reply.disabled) { reply.checked = true; modeChanged(); }
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }
  function modeChanged() {
    if (!composer) return;
    var note = composer.querySelector('input[value="note"]');
    var isNote = note && note.checked;
    composer.classList.toggle("is-note", !!isNote);
    if (box) box.placeholder = isNote ? "An internal note for colleagues; the customer never sees it" : "Write your reply… (Ctrl+Enter sends)";
  }
  if (composer) {
    composer.addEventListener("change", function (e) {
      if (e.target.name === "mode") modeChanged();
      if (e.target.id === "canned" && e.target.value) { put(e.target.value); e.target.value = ""; }
    });
    composer.addEventListener("htmx:afterRequest", function (e) {
      if (e.detail.successful && e.detail.elt === composer && !e.detail.xhr.getResponseHeader("HX-Reswap")) {
        box.value = ""; pinned = true;
      }
    });
    modeChanged();
  }
  if (box) {
    var typingSent = false;
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); composer.requestSubmit(); }
    });
    box.addEventListener("input", function () {
      var note = composer.querySelector('input[value="note"]');
      if (note && note.checked) return;
      if (!typingSent) { typingSent = true; send({ type: "typing", typing: true }); }
      later("typing", function () { typingSent = false; send({ type: "typing", typing: false }); }, 2500);
    });
  }
  body.addEventListener("click", function (e) {
    var use = e.target.closest("[data-use]");
    if (use) { put(use.getAttribute("data-use")); return; }
    var opener = e.target.closest("[data-open]");
    if (opener) { var d = document.getElementById(opener.getAttribute("data-open")); if (d) d.showModal(); return; }
    var closer = e.target.closest("[data-close]");
    if (closer) { var dialog = closer.closest("dialog"); if (dialog) dialog.close(); }
  });
  // A preset close reason says whether it was resolved.
  body.addEventListener("change", function (e) {
    var resolved = e.target.getAttribute && e.target.getAttribute("data-resolved");
    if (resolved) {
      var radio = e.target.form.querySelector('input[name="resolved"][value="' + resolved + '"]');
      if (radio) radio.checked = true;
    }
  });

  // what the server tells us through HX-Trigger ----------------------------------------------
  body.addEventListener("samen:suggest", function (e) { put(e.detail.text); });
  body.addEventListener("samen:toast", function (e) { toast(e.detail.message, e.detail.level); });
  function toast(message, level) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = message;
    el.className = "toast is-" + (level || "info");
    el.hidden = false;
    later("toast", function () { el.hidden = true; }, level === "error" ? 7000 : 4000);
  }
  var done = new URLSearchParams(location.search).get("done");
  if (done && window.history.replaceState) history.replaceState(null, "", location.pathname);

  // keyboard ------------------------------------------------------------------------------------
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.altKey && /^[1-3]$/.test(e.key)) {
      var pick = document.querySelector('[data-key="' + e.key + '"]');
      if (pick) { e.preventDefault(); put(pick.getAttribute("data-use")); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || /INPUT|TEXTAREA|SELECT/.test(t.tagName) || t.isContentEditable) return;
    if (document.querySelector("dialog[open]")) return;
    if (e.key === "n" || e.key === "N") { var next = document.querySelector("form.next"); if (next) { e.preventDefault(); next.requestSubmit(); } }
    else if (e.key === "r" && box) { e.preventDefault(); box.focus(); }
    else if (e.key === "q") { location.href = "/console"; }
    else if (e.key === "?") { var s = document.getElementById("shortcuts"); if (s) s.showModal(); }
  });

  // waiting times tick without a reload; the tab title says how many wait ---------------------------
  function minutes(seconds) {
    var m = Math.floor(seconds / 60);
    if (m < 1) return "<1 min";
    if (m < 60) return m + " min";
    return Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0");
  }
  // The server's clock may differ from this computer's (and is fixed in demos and tests).
  var offset = (Date.parse(body.getAttribute("data-now")) || Date.now()) - Date.now();
  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(since)) el.textContent = minutes(Math.max(0, (Date.now() + offset - since) / 1000));
    });
  }
  setInterval(tick, 30000);
  function countWaiting() {
    var list = document.querySelector("[data-waiting]");
    var n = list ? parseInt(list.getAttribute("data-waiting"), 10) : 0;
    document.title = document.title.replace(/^\(\d+\) /, "");
    if (n > 0) document.title = "(" + n + ") " + document.title;
  }
  countWaiting();
  connect();
})();
