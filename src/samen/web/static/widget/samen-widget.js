/* Samen chat widget: one <script> tag, no build step.
 *
 *   <script src="https://samen.example.com/static/widget/samen-widget.js"
 *           data-locale="nl" data-title="Polderlink" defer></script>
 *
 * It resumes its conversation after a reload (id + token in localStorage), catches up on what
 * it missed through the API, and listens live on the conversation's WebSocket.
 *
 * A site where the customer is logged in vouches for them with a signed identity token
 * (see samen.channels.identity_tokens): data-identity-token="…" on the script tag, or later
 * SamenWidget.identify(token). The bot then needs no customer number and postcode. A stored
 * conversation of someone else (or of nobody, before logging in) is not resumed.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = (script && script.getAttribute("data-samen-url")) ||
    (script ? new URL(script.src, location.href).origin : location.origin);
  var locale = (script && script.getAttribute("data-locale")) || document.documentElement.lang || "nl";
  var lang = locale.slice(0, 2).toLowerCase() === "en" ? "en" : "nl";
  // The page's own locale goes to the server, which starts a conversation in a language it does
  // not speak in the tenant's default and keeps what was asked for the agents; one shaped
  // unlike "en-GB" it would refuse, so the widget's own language goes instead.
  var sentLocale = /^[a-z]{2}([-_][a-z]{2})?$/i.test(locale) ? locale : lang;
  var title = (script && script.getAttribute("data-title")) || "Klantenservice";
  var identityToken = (script && script.getAttribute("data-identity-token")) || null;
  var signedIn = subjectOf(identityToken);
  var KEY = "samen.conversation." + base;
  var T = {
    nl: { open: "Chat met ons", close: "Chat sluiten", send: "Versturen", placeholder: "Typ je bericht…",
          label: "Je bericht", bot: "Digitale assistent", you: "Jij", agent: "Medewerker", system: "Melding",
          typing: "is aan het typen…", bigger: "Grotere tekst", restart: "Nieuw gesprek",
          failed: "Versturen mislukt. Probeer het opnieuw.", retry: "Opnieuw versturen",
          offline: "Geen verbinding; we proberen het opnieuw…", log: "Gespreksverloop" },
    en: { open: "Chat with us", close: "Close chat", send: "Send", placeholder: "Type your message…",
          label: "Your message", bot: "Digital assistant", you: "You", agent: "Agent", system: "Notice",
          typing: "is typing…", bigger: "Larger text", restart: "New conversation",
          failed: "Sending failed. Please try again.", retry: "Send again",
          offline: "No connection; retrying…", log: "Conversation" }
  }[lang];

  var css = "" +
    ".samen-launcher{position:fixed;right:24px;bottom:24px;z-index:2147483000;background:#0b5cad;color:#fff;border:0;border-radius:28px;padding:14px 22px;font:600 16px/1.2 system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer}" +
    ".samen-launcher:focus-visible,.samen-panel button:focus-visible,.samen-panel textarea:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".samen-panel{position:fixed;right:24px;bottom:24px;z-index:2147483001;width:min(380px,calc(100vw - 32px));height:min(600px,calc(100vh - 48px));display:flex;flex-direction:column;background:#fff;color:#1d2330;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);font:15px/1.45 system-ui,sans-serif;overflow:hidden}" +
    ".samen-panel[hidden]{display:none}.samen-panel.samen-big{font-size:19px}" +
    ".samen-head{display:flex;align-items:center;gap:8px;background:#0b5cad;color:#fff;padding:12px 14px}" +
    ".samen-head h2{font-size:1.05em;margin:0;flex:1}.samen-head button{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.7);border-radius:6px;padding:3px 7px;font:inherit;font-size:.78em;white-space:nowrap;cursor:pointer}" +
    ".samen-log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:#f4f6f9}" +
    ".samen-msg{max-width:85%;padding:9px 12px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}" +
    ".samen-msg .samen-who{display:block;font-size:.78em;font-weight:700;margin-bottom:2px;color:#3d4656}" +
    ".samen-customer{align-self:flex-end;background:#0b5cad;color:#fff}.samen-customer .samen-who{color:#e6efff}" +
    ".samen-bot{align-self:flex-start;background:#fff;border:1px solid #c9d1dc}" +
    ".samen-agent{align-self:flex-start;background:#e8f5e9;border:1px solid #9ccc9f}" +
    ".samen-system{align-self:center;background:#fff8e1;border:1px solid #e0c36b;font-size:.9em}" +
    ".samen-source{display:block;margin-top:6px;font-size:.82em;color:#3d4656}" +
    ".samen-buttons{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}.samen-buttons button{background:#fff;color:#0b5cad;border:1px solid #0b5cad;border-radius:14px;padding:4px 10px;font:inherit;font-size:.9em;cursor:pointer}" +
    ".samen-typing{min-height:1.4em;padding:0 14px;font-size:.85em;color:#3d4656;background:#f4f6f9}" +
    ".samen-form{display:flex;gap:8px;padding:10px;border-top:1px solid #c9d1dc;background:#fff}" +
    ".samen-form textarea{flex:1;resize:none;border:1px solid #7a8699;border-radius:8px;padding:8px;font:inherit;color:#1d2330;min-height:2.6em;max-height:8em}" +
    ".samen-form button{background:#0b5cad;color:#fff;border:0;border-radius:8px;padding:0 16px;font:inherit;font-weight:600;cursor:pointer}" +
    ".samen-failed{align-self:flex-end;color:#b3261e;font-size:.85em}.samen-failed button{color:#b3261e;background:none;border:0;text-decoration:underline;cursor:pointer;font:inherit}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }

  var style = el("style"); style.textContent = css; document.head.appendChild(style);
  var launcher = el("button", { "class": "samen-launcher", type: "button", "aria-haspopup": "dialog",
                                "aria-controls": "samen-panel", "aria-expanded": "false" }, T.open);
  var panel = el("section", { "class": "samen-panel", id: "samen-panel", role: "dialog",
                              "aria-label": title + " chat", hidden: "" });
  var head = el("div", { "class": "samen-head" });
  var h2 = el("h2", {}, title);
  var bigger = el("button", { type: "button", "aria-pressed": "false" }, T.bigger);
  var restart = el("button", { type: "button" }, T.restart);
  var close = el("button", { type: "button", "aria-label": T.close }, "✕");
  head.append(h2, bigger, restart, close);
  var log = el("div", { "class": "samen-log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
  var typing = el("div", { "class": "samen-typing", "aria-live": "polite" });
  var form = el("form", { "class": "samen-form" });
  var input = el("textarea", { rows: "1", "aria-label": T.label, placeholder: T.placeholder, maxlength: "4000" });
  var send = el("button", { type: "submit" }, T.send);
  form.append(input, send);
  panel.append(head, log, typing, form);
  document.body.append(launcher, panel);

  var state = JSON.parse(localStorage.getItem(KEY) || "null");
  // A personal link from an e-mail ("…#samen-chat=<id>.<token>") resumes that conversation here;
  // the fragment never reaches a server, and it is removed from the address bar at once.
  var resume = /[#&]samen-chat=([0-9a-f]+)\.([\w-]+)/.exec(location.hash);
  if (resume) {
    state = { id: resume[1], token: resume[2] }; save();
    history.replaceState(null, "", location.pathname + location.search);
  }
  var seen = {};
  var socket = null, retryDelay = 1000, typingTimer = null, sentTyping = false;
  if (resume && state) { state.who = signedIn; save(); }
  if (state && (state.who || null) !== signedIn) forget();
  if (localStorage.getItem(KEY + ".big") === "1") setBig(true);

  function save() { localStorage.setItem(KEY, JSON.stringify(state)); }
  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state && state.token) headers.Authorization = "Bearer " + state.token;
    return fetch(base + "/api/v1" + path, { method: method, headers: headers,
      body: body ? JSON.stringify(body) : undefined }).then(function (r) {
        return r.status === 204 ? null : r.json().then(function (data) {
          if (!r.ok) {
            var e = new Error((data.error && data.error.message) || r.status);
            e.status = r.status; e.code = data.error && data.error.code; throw e;
          }
          return data;
        });
      });
  }

  function who(m) {
    if (m.sender === "customer") return T.you;
    if (m.sender === "bot") return T.bot;
    if (m.sender === "agent") return (m.author && m.author.name) || T.agent;
    return T.system;
  }

  function render(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    if (m.client_id) { var pending = log.querySelector('[data-client-id="' + m.client_id + '"]'); if (pending) pending.remove(); }
    var item = el("div", { "class": "samen-msg samen-" + m.sender, "data-id": m.id });
    item.appendChild(el("span", { "class": "samen-who" }, who(m)));
    item.appendChild(document.createTextNode(m.text));
    var sources = m.sources || (m.source ? [m.source] : []);
    // The text names its source already; a link is added when the article has a web page.
    sources.filter(function (s) { return s.url; }).forEach(function (s) {
      var line = el("span", { "class": "samen-source" }, (lang === "nl" ? "Lees verder: " : "Read more: "));
      line.appendChild(el("a", { href: s.url, target: "_blank", rel: "noopener" }, s.title));
      item.appendChild(line);
    });
    if (m.buttons && m.buttons.length) {
      var row = el("div", { "class": "samen-buttons" });
      m.buttons.forEach(function (label) {
        var b = el("button", { type: "button" }, label);
        b.addEventListener("click", function () { submit(label); });
        row.appendChild(b);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function start() {
    var body = { channel: "web", locale: sentLocale, customer: {} };
    if (identityToken) body.identity_token = identityToken;
    return api("POST", "/conversations", body).then(function (c) {
      state = { id: c.id, token: c.token, who: signedIn }; save();
      (c.messages || []).forEach(render);
      connect();
    }, function (err) {
      if (err.code !== "invalid_identity_token") throw err;
      // An expired or refused token: chat anyway; the bot asks who the customer is.
      if (window.console) console.warn("Samen: identity token refused: " + err.message);
      identityToken = null; signedIn = null;
      return start();
    });
  }

  function subjectOf(token) {
    try { return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub || null; }
    catch (e) { return null; }
  }

  function identify(token) {
    identityToken = token || null; signedIn = subjectOf(identityToken);
    if (!state || (state.who || null) === signedIn) return;
    if (socket) socket.close();
    forget();
    if (!panel.hidden) start().catch(function () {});
  }

  function catchUp() {
    return api("GET", "/conversations/" + state.id).then(function (c) {
      (c.messages || []).forEach(render);
    });
  }

  function connect() {
    if (!state) return;
    var url = base.replace(/^http/, "ws") + "/api/v1/conversations/" + state.id + "/stream?token=" + encodeURIComponent(state.token);
    socket = new WebSocket(url);
    socket.onopen = function () { retryDelay = 1000; catchUp().catch(function () {}); };
    socket.onmessage = function (e) {
      var ev = JSON.parse(e.data);
      if (ev.type === "message") { render(ev.message); if (ev.message.sender !== "customer") typing.textContent = ""; }
      else if (ev.type === "typing" && ev.sender !== "customer") {
        typing.textContent = ev.typing ? ((ev.name || (ev.sender === "bot" ? T.bot : T.agent)) + " " + T.typing) : "";
      }
    };
    socket.onclose = function (e) {
      socket = null;
      if (e.code === 4404) { forget(); return; }
      setTimeout(connect, retryDelay); retryDelay = Math.min(retryDelay * 2, 30000);
    };
  }

  function forget() { localStorage.removeItem(KEY); state = null; seen = {}; log.textContent = ""; }

  function submit(text) {
    text = (text || "").trim();
    if (!text) return;
    var clientId = "w" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    var pending = el("div", { "class": "samen-msg samen-customer", "data-client-id": clientId });
    pending.appendChild(el("span", { "class": "samen-who" }, T.you));
    pending.appendChild(document.createTextNode(text));
    log.appendChild(pending); log.scrollTop = log.scrollHeight;
    var ready = state ? Promise.resolve() : start();
    ready.then(function () {
      return api("POST", "/conversations/" + state.id + "/messages", { text: text, client_id: clientId });
    }).then(function (r) {
      render(r.message); (r.replies || []).forEach(render);
    }).catch(function (err) {
      if (err.status === 404) { forget(); }
      pending.remove();
      var failed = el("div", { "class": "samen-failed", role: "alert" }, T.failed + " ");
      var again = el("button", { type: "button" }, T.retry);
      again.addEventListener("click", function () { failed.remove(); submit(text); });
      failed.appendChild(again); log.appendChild(failed);
    });
  }

  function sendTyping(on) {
    if (!state || sentTyping === on) return;
    sentTyping = on;
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "typing", typing: on }));
  }

  function setBig(on) {
    panel.classList.toggle("samen-big", on);
    bigger.setAttribute("aria-pressed", on ? "true" : "false");
    localStorage.setItem(KEY + ".big", on ? "1" : "0");
  }

  function openPanel() {
    panel.hidden = false; launcher.hidden = true; launcher.setAttribute("aria-expanded", "true");
    input.focus();
    if (!state) start().catch(function () {});
    else if (!socket) { catchUp().catch(function (e) { if (e.status === 404) { forget(); start(); } }); connect(); }
  }
  function closePanel() { panel.hidden = true; launcher.hidden = false; launcher.setAttribute("aria-expanded", "false"); launcher.focus(); }

  launcher.addEventListener("click", openPanel);
  close.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") closePanel(); });
  bigger.addEventListener("click", function () { setBig(!panel.classList.contains("samen-big")); });
  restart.addEventListener("click", function () { if (socket) socket.close(); forget(); start(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); var t = input.value; input.value = ""; sendTyping(false); submit(t); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", function () {
    sendTyping(input.value.length > 0);
    clearTimeout(typingTimer); typingTimer = setTimeout(function () { sendTyping(false); }, 3000);
  });
  if (state) { openPanel(); }
  window.SamenWidget = { open: openPanel, close: closePanel, identify: identify };
})();
