// The picker's scan field: always focused, each Enter is one scan with its own id.
// Scans wait in localStorage until the server answers, so a flaky connection loses none
// and, since a resent scan carries the same id, the server counts it once.
(function () {
  "use strict";
  var root = document.getElementById("picking");
  if (!root) return;
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan");
  var pendingNote = document.getElementById("pending");
  var key = "pickQueue:" + root.dataset.pickList;
  var queue = [];
  try { queue = JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { queue = []; }
  var busy = false;
  var audio = null;

  function token() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"]; }
    catch (e) { return ""; }
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function save() {
    localStorage.setItem(key, JSON.stringify(queue));
    pendingNote.hidden = queue.length === 0;
    pendingNote.textContent = queue.length ? root.dataset.offline + " (" + queue.length + ")" : "";
  }
  // Each scan result is heard and felt as well as seen, so the picker's eyes can stay on
  // the shelf: a short high beep and one buzz when counted, a low longer tone and a double
  // buzz for anything to look at. The last signal is kept on #picking for the tests.
  var SIGNALS = {
    ok: {type: "sine", hz: 880, seconds: 0.08, vibrate: [60]},
    error: {type: "square", hz: 220, seconds: 0.35, vibrate: [200, 100, 200]}
  };
  function signal(ok) {
    var s = SIGNALS[ok ? "ok" : "error"];
    root.dataset.lastSignal = (ok ? "ok" : "error") + ":" + s.hz;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = s.type;
      osc.frequency.value = s.hz;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + s.seconds);
    } catch (e) { /* no audio: the colours still say it */ }
    try { if (navigator.vibrate) navigator.vibrate(s.vibrate); } catch (e) { /* no vibration motor */ }
  }
  function focus() {
    var active = document.activeElement;
    if (active !== input && !(active && active.closest && active.closest("button, a, textarea"))) input.focus();
  }

  function send() {
    if (busy || !queue.length) return;
    busy = true;
    var scan = queue[0];
    var body = new FormData();
    body.append("client_scan_id", scan.id);
    body.append("code", scan.code);
    fetch(form.action, {method: "POST", body: body, credentials: "same-origin",
                        headers: {"x-csrftoken": token(), "HX-Request": "true"}})
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error("signed out"); }
        if (response.status >= 500) throw new Error("server " + response.status);
        return response.text().then(function (html) {
          queue.shift(); save(); busy = false;
          var open = response.headers.get("X-Open-Pick-List");
          if (open) { window.location.href = "/picking/" + encodeURIComponent(open); return; }
          document.getElementById("pick").innerHTML = html;
          if (window.htmx) htmx.process(document.getElementById("pick"));
          var result = response.headers.get("X-Scan-Result") || "error";
          root.dataset.lastResult = result;
          signal(result === "counted" || result === "short" || result === "task");
          send();
        });
      })
      .catch(function () {
        busy = false; save();
        pendingNote.hidden = false;
        setTimeout(send, 2000);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    input.focus();
    if (!code) return;
    queue.push({id: newId(), code: code});
    save();
    send();
  });
  document.addEventListener("click", function () { setTimeout(focus, 0); });
  document.addEventListener("htmx:afterSwap", function () { focus(); });
  window.addEventListener("online", send);
  save();
  send();
  focus();
})();
