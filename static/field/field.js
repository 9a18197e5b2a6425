/* The technician's day: arrivals and outcomes are kept on the phone (IndexedDB) and sent when
   there is signal. Each outcome carries an id made here, so sending it twice changes nothing on
   the server. Every word shown comes from the page (data-msg-* attributes, translated there). */
(function () {
  "use strict";

  const root = document.getElementById("field-day");
  if (!root || !window.indexedDB) {
    return;
  }
  const text = (name) => root.dataset[name] || "";
  const user = root.dataset.user;
  const reportUrl = root.dataset.reportUrl;
  const status = document.getElementById("field-status");
  const attention = document.getElementById("field-attention");
  const csrfInput = root.querySelector("input[name=csrfmiddlewaretoken]");
  let signedOut = false;

  // --- the outbox: one IndexedDB store, keyed by the id made on this phone ------------------
  const DB_NAME = "msa-field";
  const STORE = "outbox";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function withStore(mode, action) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => { db.close(); resolve(request.result); };
      transaction.onerror = () => { db.close(); reject(transaction.error); };
    }));
  }

  const save = (entry) => withStore("readwrite", (store) => store.put(entry));
  const forget = (id) => withStore("readwrite", (store) => store.delete(id));
  const mine = () => withStore("readonly", (store) => store.getAll())
    .then((entries) => entries.filter((e) => e.user === user).sort((a, b) => a.created - b.created));

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // --- sending ------------------------------------------------------------------------------
  function body(entry) {
    const data = new FormData();
    data.append("client_id", entry.id);
    data.append("visit", entry.visit);
    data.append("kind", entry.kind);
    if (entry.kind === "arrival") {
      data.append("at", entry.at);
    } else {
      data.append("completed", entry.completed);
      data.append("failure_code", entry.failureCode);
      data.append("note", entry.note);
      entry.photos.forEach((photo) => data.append("photos", photo.blob, photo.name));
    }
    return data;
  }

  let sending = false;
  const sentNow = {};

  async function send() {
    if (sending || !navigator.onLine) {
      return show();
    }
    sending = true;
    let anySent = false;
    try {
      for (const entry of await mine()) {
        if (entry.state !== "pending") {
          continue;
        }
        let response;
        try {
          response = await fetch(reportUrl, {
            method: "POST",
            body: body(entry),
            credentials: "same-origin",
            redirect: "manual",
            headers: { Accept: "application/json", "X-CSRFToken": csrfInput ? csrfInput.value : "" },
          });
        } catch (error) {
          break; // no signal after all: try again later
        }
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          signedOut = true;
          break;
        }
        let answer;
        try {
          answer = await response.json();
        } catch (error) {
          break;
        }
        signedOut = false;
        if (response.ok) {
          await forget(entry.id);
          sentNow[entry.visit] = sentNow[entry.visit] || {};
          sentNow[entry.visit][entry.kind] = entry;
          anySent = true;
        } else if (response.status >= 400 && response.status < 500) {
          entry.state = response.status === 409 ? "conflict" : "refused";
          entry.message = answer.message || "";
          await save(entry);
        } else {
          break; // the server is in trouble: keep it and try later
        }
      }
    } finally {
      sending = false;
    }
    if (anySent) {
      // Refresh the kept copy of the day, so a reload without signal shows what was sent.
      fetch(window.location.pathname, { credentials: "same-origin" }).catch(() => {});
    }
    return show();
  }

  // --- what the technician sees -------------------------------------------------------------
  function outcomeLabel(entry) {
    if (entry.completed === "1") {
      return text("msgCompleted");
    }
    return entry.reasonLabel || entry.failureCode;
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString(document.documentElement.lang, { hour: "numeric", minute: "2-digit" });
  }

  function describe(entry) {
    if (entry.kind === "arrival") {
      return `${text("msgArrived")} ${clock(entry.at)}`;
    }
    const count = entry.photos.length;
    const photos = count === 0 ? "" : count === 1 ? ` (${text("msgPhotoOne")})` : ` (${count} ${text("msgPhotoMany")})`;
    return outcomeLabel(entry) + photos;
  }

  async function show() {
    const entries = await mine();
    const waiting = entries.filter((e) => e.state === "pending");
    let line = navigator.onLine ? text("msgOnline") : text("msgOffline");
    if (waiting.length) {
      line += ` ${text("msgWaiting")} ${waiting.length}.`;
    }
    if (signedOut) {
      line += ` ${text("msgSignedOut")}`;
    }
    status.textContent = line;
    status.classList.toggle("is-offline", !navigator.onLine);

    document.querySelectorAll(".field-visit").forEach((card) => {
      const visit = card.dataset.visit;
      const own = entries.filter((e) => String(e.visit) === visit);
      const queued = card.querySelector(".field-queued");
      const outcomeForm = card.querySelector(".field-outcome");
      const arrivedForm = card.querySelector(".field-arrived");
      const outcome = own.find((e) => e.kind === "outcome" && e.state === "pending");
      const arrival = own.find((e) => e.kind === "arrival" && e.state === "pending");
      const sent = sentNow[visit] || {};
      const lines = [];
      if (arrival) {
        lines.push(`${text("msgSaved")} ${describe(arrival)}`);
      } else if (sent.arrival) {
        lines.push(`${text("msgSent")} ${describe(sent.arrival)}`);
      }
      if (outcome) {
        lines.push(`${text("msgSaved")} ${describe(outcome)}`);
      } else if (sent.outcome) {
        lines.push(`${text("msgSent")} ${describe(sent.outcome)}`);
      }
      if (arrivedForm && (arrival || sent.arrival || outcome || sent.outcome)) {
        arrivedForm.hidden = true;
      }
      const settled = own.some((e) => e.kind === "outcome" && e.state !== "refused") || Boolean(sent.outcome);
      if (outcomeForm) {
        outcomeForm.hidden = settled;
      }
      queued.hidden = lines.length === 0;
      queued.classList.toggle("is-sent", !outcome && !arrival && lines.length > 0);
      queued.textContent = lines.join(" · ");
    });

    const problems = entries.filter((e) => e.state === "conflict" || e.state === "refused");
    const list = attention.querySelector("ul");
    list.replaceChildren(...problems.map((entry) => {
      const item = document.createElement("li");
      const title = document.createElement("p");
      title.className = "fw-semibold mb-1";
      title.textContent = `${entry.reference}: ${text("msgConflict")} — ${describe(entry)}`;
      const message = document.createElement("p");
      message.className = "mb-2";
      message.textContent = entry.message;
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "btn btn-sm btn-outline-secondary";
      dismiss.textContent = text("msgDismiss");
      dismiss.addEventListener("click", () => forget(entry.id).then(show));
      item.append(title, message, dismiss);
      return item;
    }));
    attention.hidden = problems.length === 0;
  }

  // --- recording ----------------------------------------------------------------------------
  function cardOf(form) {
    const card = form.closest(".field-visit");
    return { visit: card.dataset.visit, reference: card.dataset.reference };
  }

  document.querySelectorAll(".field-arrived").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const { visit, reference } = cardOf(form);
      await save({
        id: newId(), kind: "arrival", user, visit, reference,
        at: new Date().toISOString(), state: "pending", created: Date.now(),
      });
      form.hidden = true;
      await show();
      send();
    });
  });

  document.querySelectorAll(".field-outcome").forEach((form) => {
    const error = form.querySelector(".field-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const completed = data.get("completed");
      const code = data.get("failure_code") || "";
      const note = (data.get("note") || "").trim();
      const problem = !completed ? ["msgChooseOutcome", "input[name=completed]"]
        : completed === "0" && !code ? ["msgChooseReason", "select[name=failure_code]"]
          : code === "OTHER" && !note ? ["msgNoteOther", "textarea[name=note]"]
            : null;
      if (problem) {
        error.textContent = text(problem[0]);
        form.querySelector(problem[1]).focus();
        return;
      }
      error.textContent = "";
      const select = form.querySelector("select[name=failure_code]");
      // Before, then after (or what stopped the work): the order staff see them in.
      const files = Array.from(form.querySelectorAll("input[type=file]")).flatMap((input) => Array.from(input.files));
      const { visit, reference } = cardOf(form);
      await save({
        id: newId(), kind: "outcome", user, visit, reference,
        completed, failureCode: completed === "1" ? "" : code,
        reasonLabel: completed === "1" ? "" : select.options[select.selectedIndex].text,
        note, photos: files.map((file) => ({ name: file.name, type: file.type, blob: file })),
        state: "pending", created: Date.now(),
      });
      form.reset();
      await show();
      send();
    });
  });

  window.addEventListener("online", send);
  window.addEventListener("offline", show);
  window.setInterval(send, 20000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.swScope }).catch(() => {});
  }
  send();
}());
