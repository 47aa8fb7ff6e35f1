// Live table scoring (progressive enhancement of the scoring form: without this script the form
// posts every domain to the page).
//
// Every change is first written to a queue in localStorage, one entry per table and domain, then
// sent to the scores API (PUT, session cookie + CSRF token). An entry leaves the queue only when
// the server has saved it or refused it (400/409/403/404: shown, never retried). Network
// failures, 5xx and an expired sign-in (401) leave it queued: it is resent when the browser
// comes back online, every few seconds, and when the page is loaded again. Sending the same
// values twice is harmless: the server changes nothing and writes no audit event.

const RETRY_MS = 8000;
const NOTE_DEBOUNCE_MS = 1200;
const REFUSED = new Set([400, 403, 404, 409, 413, 415, 422]);

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

function browserStorage() {
  try {
    const probe = "cascade-score:probe";
    window.localStorage.setItem(probe, probe);
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return memoryStorage(); // private browsing with storage switched off: still queues for this page
  }
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

async function messageFrom(response) {
  try {
    const body = await response.json();
    const messages = [];
    for (const value of Object.values(body)) {
      if (Array.isArray(value)) messages.push(...value.map(String));
      else if (typeof value === "string") messages.push(value);
    }
    if (messages.length) return messages.join(" ");
  } catch {
    // not JSON: fall through
  }
  return `the server refused the change (error ${response.status})`;
}

class TableScoring {
  constructor(form) {
    this.form = form;
    this.table = form.dataset.table;
    this.csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    this.summary = document.querySelector("[data-scoring-summary]");
    this.store = browserStorage();
    this.prefix = `cascade-score:table-${this.table}:`;
    this.domains = new Map();
    this.refused = new Map();
    this.saved = 0;
    this.sending = false;
    this.again = false;
    this.seq = Date.now();
    for (const section of form.querySelectorAll("[data-domain]")) {
      this.domains.set(section.dataset.domain, {
        section,
        url: section.dataset.url,
        status: section.querySelector("[data-status]"),
        timer: null,
      });
    }
  }

  // --- the queue -------------------------------------------------------------------------------
  key(code) {
    return this.prefix + code;
  }

  read(code) {
    try {
      return JSON.parse(this.store.getItem(this.key(code)));
    } catch {
      return null;
    }
  }

  write(code, entry) {
    try {
      this.store.setItem(this.key(code), JSON.stringify(entry));
    } catch {
      // storage full: keep the page's own copy so it is still sent while the page is open
      this.store = memoryStorage();
      this.store.setItem(this.key(code), JSON.stringify(entry));
    }
  }

  remove(code, seq) {
    const entry = this.read(code);
    if (entry && entry.seq === seq) this.store.removeItem(this.key(code));
  }

  queued() {
    return [...this.domains.keys()].filter((code) => this.read(code));
  }

  chosenScore(code) {
    const checked = this.domains.get(code).section.querySelector("input[type=radio]:checked");
    return checked ? Number(checked.value) : null;
  }

  queue(code, changes) {
    const entry = { ...(this.read(code) || {}), ...changes, score: this.chosenScore(code) };
    this.seq += 1;
    entry.seq = this.seq;
    this.write(code, entry);
    this.refused.delete(code);
    this.show(code, entry.score === null ? "needs-level" : navigator.onLine ? "waiting" : "offline");
  }

  // --- what the page says ----------------------------------------------------------------------
  show(code, state, message = "") {
    const texts = {
      saved: "Saved",
      saving: "Saving…",
      waiting: "Waiting to send",
      offline: "Waiting to send: you are offline",
      retry: "Waiting to send: the server could not save it yet, trying again shortly",
      "signed-out": "Waiting to send: you have been signed out. Sign in again, then come back to this page",
      "needs-level": "Not saved yet: choose a level to save these notes",
      refused: `Not saved: ${message}`,
    };
    const status = this.domains.get(code).status;
    status.textContent = texts[state];
    status.dataset.state = state;
    this.render();
  }

  render() {
    const total = this.domains.size;
    const scored = [...this.domains.keys()].filter((code) => this.chosenScore(code) !== null).length;
    const waiting = this.queued().length;
    const refused = this.refused.size;
    let text = `${scored} of ${total} domains scored. `;
    if (waiting === 0 && refused === 0) {
      text += this.saved ? `All changes saved (${plural(this.saved, "change")} saved on this page).` : "Each change is saved as you make it.";
    } else {
      text += `${plural(this.saved, "change")} saved, ${waiting} waiting to send`;
      text += waiting && !navigator.onLine ? ": you are offline." : ".";
      if (refused) text += ` ${refused} not saved: see the domains marked “Not saved”.`;
    }
    const paragraph = this.summary.querySelector("p");
    if (paragraph.textContent !== text) paragraph.textContent = text;
    this.summary.dataset.waiting = String(waiting);
  }

  // --- sending ---------------------------------------------------------------------------------
  payload(entry) {
    const body = { score: entry.score };
    for (const note of ["what_works", "what_gets_in_the_way", "evidence"]) {
      if (typeof entry[note] === "string") body[note] = entry[note];
    }
    return JSON.stringify(body);
  }

  async send(code) {
    const entry = this.read(code);
    if (!entry) return;
    if (entry.score === null || entry.score === undefined) {
      this.show(code, "needs-level");
      return;
    }
    if (!navigator.onLine) {
      this.show(code, "offline");
      return;
    }
    this.show(code, "saving");
    let response;
    try {
      response = await fetch(this.domains.get(code).url, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": this.csrf },
        body: this.payload(entry),
      });
    } catch {
      this.show(code, "offline");
      return;
    }
    if (response.ok) {
      this.remove(code, entry.seq);
      this.saved += 1;
      if (this.read(code)) {
        this.again = true; // changed again while this was being sent
        this.show(code, "waiting");
      } else {
        this.show(code, "saved");
      }
    } else if (response.status === 401) {
      this.show(code, "signed-out");
    } else if (REFUSED.has(response.status)) {
      const message = await messageFrom(response);
      this.remove(code, entry.seq);
      this.refused.set(code, message);
      this.show(code, "refused", message);
    } else {
      this.show(code, "retry");
    }
  }

  async flush() {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    try {
      for (const code of this.queued()) {
        await this.send(code);
      }
    } finally {
      this.sending = false;
      this.render();
    }
    if (this.again) {
      this.again = false;
      await this.flush();
    }
  }

  // --- wiring ----------------------------------------------------------------------------------
  restore() {
    // Changes queued before the page was (re)loaded: show them as they were chosen, then resend.
    for (const code of this.queued()) {
      const entry = this.read(code);
      const { section } = this.domains.get(code);
      if (entry.score !== null && entry.score !== undefined) {
        const radio = section.querySelector(`input[type=radio][value="${Number(entry.score)}"]`);
        if (radio) radio.checked = true;
      }
      for (const note of ["what_works", "what_gets_in_the_way", "evidence"]) {
        const textarea = section.querySelector(`textarea[name="${code}-${note}"]`);
        if (textarea && typeof entry[note] === "string") {
          textarea.value = entry[note];
          section.querySelector("details")?.setAttribute("open", "");
        }
      }
      this.show(code, entry.score === null ? "needs-level" : navigator.onLine ? "waiting" : "offline");
    }
    for (const [code, domain] of this.domains) {
      if (domain.section.dataset.saved && !this.read(code)) this.show(code, "saved");
    }
  }

  noteFor(code, textarea) {
    return textarea.name.slice(code.length + 1);
  }

  listen() {
    this.form.addEventListener("change", (event) => {
      const section = event.target.closest("[data-domain]");
      if (!section) return;
      const code = section.dataset.domain;
      if (event.target.type === "radio") {
        this.queue(code, {});
      } else if (event.target.tagName === "TEXTAREA") {
        this.queue(code, { [this.noteFor(code, event.target)]: event.target.value });
      }
      this.flush();
    });
    this.form.addEventListener("input", (event) => {
      if (event.target.tagName !== "TEXTAREA") return;
      const section = event.target.closest("[data-domain]");
      const code = section.dataset.domain;
      // Into the queue at once (nothing lost if the tablet sleeps), sent once typing pauses.
      this.queue(code, { [this.noteFor(code, event.target)]: event.target.value });
      const domain = this.domains.get(code);
      clearTimeout(domain.timer);
      domain.timer = setTimeout(() => this.flush(), NOTE_DEBOUNCE_MS);
    });
    this.form.addEventListener("submit", (event) => {
      // Everything is already queued: send what is waiting instead of reloading the page.
      event.preventDefault();
      this.flush();
    });
    window.addEventListener("online", () => this.flush());
    window.addEventListener("offline", () => {
      for (const code of this.queued()) this.show(code, "offline");
      this.render();
    });
    window.setInterval(() => {
      if (this.queued().length) this.flush();
    }, RETRY_MS);
  }

  start() {
    this.restore();
    this.listen();
    this.render();
    this.flush();
  }
}

const form = document.querySelector("form[data-scoring]");
if (form) new TableScoring(form).start();
