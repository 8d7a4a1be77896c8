/// The review page's script: reads the queue page by page, shows it, sends
/// actions by item id, keeps this tab's undo stack. DOM built with
/// textContent only (labels and file names are people's text, never markup).
enum PageScript {
    static let text = #"""
        "use strict";
        const state = { group: null, offset: 0, limit: 60, page: null, items: [], selected: 0, undo: [], busy: false, loading: false, asked: 0 };
        const $ = (id) => document.getElementById(id);
        const el = (tag, props, ...children) => {
          const e = document.createElement(tag);
          Object.assign(e, props || {});
          for (const c of children) e.append(c);
          return e;
        };
        const percent = (p) => (100 * p).toFixed(p < 0.1 ? 1 : 0) + " %";

        function toast(text) {
          const t = $("toast");
          t.textContent = text;
          t.classList.add("shown");
          clearTimeout(toast.timer);
          toast.timer = setTimeout(() => t.classList.remove("shown"), 2500);
        }

        // While a page loads, the cards on screen are the old page's: keys act on nothing until the new one
        // is shown (a key pressed then would hit a card other than the one marked). The last load asked wins.
        async function load() {
          const ticket = ++state.asked;
          state.loading = true;
          $("grid").setAttribute("aria-busy", "true");
          try {
            // encodeURIComponent, not URLSearchParams: a label's space must stay %20, never "+".
            const q = "offset=" + state.offset + "&limit=" + state.limit + (state.group ? "&group=" + encodeURIComponent(state.group) : "");
            const r = await fetch("/api/queue?" + q, { credentials: "same-origin", cache: "no-store" });
            if (ticket !== state.asked) return;
            if (!r.ok) { $("summary").textContent = await r.text(); return; }
            const page = await r.json();
            if (ticket !== state.asked) return;
            state.page = page;
            if (page.items.length === 0 && state.offset > 0) {
              state.offset = Math.max(0, state.offset - state.limit);
              return load();
            }
            state.items = page.items;
            state.selected = Math.min(state.selected, Math.max(0, state.items.length - 1));
            render();
          } finally {
            if (ticket === state.asked) { state.loading = false; $("grid").removeAttribute("aria-busy"); }
          }
        }

        function render() {
          const p = state.page;
          const parts = [p.total + " waiting"];
          if (p.model_version != null) parts.push("model " + p.model_version);
          if (p.audit) parts.push("auto-accepted answers right " + percent(p.audit.accuracy) +
            (p.audit.low != null ? " (95 % interval " + percent(p.audit.low) + "–" + percent(p.audit.high) + ", " : " (") +
            p.audit.samples + " audits)");
          $("summary").textContent = parts.join(" · ");
          const groups = $("groups");
          groups.replaceChildren(groupButton(null, "All", p.total), ...groupsInOrder().map((g) => groupButton(g.label, g.label, g.count)));
          $("keys").replaceChildren(...p.labels.slice(0, 9).map((label, i) => {
            const li = el("li", { title: "Move the selected image to inbox/" + label + "/" }, el("kbd", { textContent: String(i + 1) }), label);
            li.addEventListener("click", () => correct(label));
            return li;
          }));
          const grid = $("grid");
          if (state.items.length === 0) {
            grid.replaceChildren(el("p", { className: "empty", textContent: "Nothing waiting for review. Well done." }));
          } else {
            grid.replaceChildren(...state.items.map(card));
          }
          const last = Math.min(state.offset + state.items.length, p.count);
          $("position").textContent = p.count ? (state.offset + 1) + "–" + last + " of " + p.count : "";
          $("prev").disabled = state.offset === 0;
          $("next").disabled = state.offset + state.limit >= p.count;
          select(state.selected);
          matches();
        }

        function groupButton(group, text, count) {
          const b = el("button", { type: "button", textContent: text + " (" + count + ")", className: state.group === group ? "current" : "" });
          b.addEventListener("click", () => { b.blur(); state.group = group; state.offset = 0; state.selected = 0; load(); });
          return b;
        }

        // The groups in the labels' order (the number keys' order), _unfamiliar and unknown folders last: an order
        // that stays put as counts change, so g then G comes back where it was.
        function groupsInOrder() {
          const labels = state.page.labels;
          const rank = (g) => { const i = labels.indexOf(g.label); return i < 0 ? labels.length : i; };
          return [...state.page.groups].sort((a, b) => rank(a) - rank(b) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
        }

        // The next (or previous) group in the order of the buttons: All, then the folders.
        function group(step) {
          if (!state.page) return;
          const names = [null, ...groupsInOrder().map((g) => g.label)];
          const at = Math.max(0, names.indexOf(state.group));
          state.group = names[(at + step + names.length) % names.length];
          state.offset = 0;
          state.selected = 0;
          load();
        }

        function card(item, index) {
          const badges = el("div", { className: "badges" });
          if (item.audit) badges.append(el("span", { textContent: "audit", title: "A confident answer picked at random to check" }));
          if (item.unfamiliar) badges.append(el("span", { textContent: "unfamiliar" + (item.unfamiliar_reason ? ": " + item.unfamiliar_reason : "") }));
          const next = item.alternatives.map((a) => a.label + " " + percent(a.confidence)).join(", ");
          const confirm = el("button", { type: "button", className: "confirm", textContent: "✓ " + item.label, title: "Confirm (Enter)" });
          const dismiss = el("button", { type: "button", className: "dismiss", textContent: "Dismiss", title: "No label fits (x)" });
          confirm.addEventListener("click", (e) => { e.stopPropagation(); act(item, "confirm"); });
          dismiss.addEventListener("click", (e) => { e.stopPropagation(); act(item, "dismiss"); });
          const c = el("article", { className: "card" },
            el("img", { src: "/api/items/" + item.id + "/image", alt: item.file, loading: "lazy" }),
            el("div", { className: "guess", textContent: item.label + " " + percent(item.confidence) }),
            el("div", { className: "next", textContent: next ? "then " + next : "" }),
            badges,
            el("div", { className: "file", textContent: item.file }),
            el("div", { className: "actions" }, confirm, dismiss));
          c.dataset.id = item.id;
          c.addEventListener("click", () => select(index));
          return c;
        }

        function select(index) {
          const cards = $("grid").querySelectorAll(".card");
          if (cards.length === 0) return;
          state.selected = Math.max(0, Math.min(index, cards.length - 1));
          cards.forEach((c, i) => c.classList.toggle("selected", i === state.selected));
          const chosen = cards[state.selected];
          if (chosen.getBoundingClientRect) {
            const r = chosen.getBoundingClientRect();
            if (r.top < 0 || r.bottom > window.innerHeight) chosen.scrollIntoView({ block: "nearest" });
          }
        }

        async function post(path, body) {
          const r = await fetch(path, {
            method: "POST", credentials: "same-origin",
            headers: body ? { "Content-Type": "application/json" } : {},
            body: body ? JSON.stringify(body) : undefined,
          });
          let answer = {};
          try { answer = await r.json(); } catch (e) { answer = { status: "error", reason: r.status + " " + r.statusText }; }
          return answer;
        }

        async function act(item, kind, label) {
          if (!item || state.busy) return;
          state.busy = true;
          try {
            const answer = await post("/api/items/" + item.id + "/" + kind, kind === "correct" ? { label } : null);
            if (answer.status === "moved") {
              state.undo.push(answer.action);
              toast("Moved to " + answer.location);
              drop(item);
            } else if (answer.status === "already_moved") {
              toast(item.file + " was already moved (by someone else or another tab)");
              drop(item);
            } else {
              toast("Not moved: " + (answer.reason || answer.status));
            }
          } finally {
            state.busy = false;
          }
        }

        function drop(item) {
          state.items = state.items.filter((i) => i.id !== item.id);
          state.page.total = Math.max(0, state.page.total - 1);
          state.page.count = Math.max(0, state.page.count - 1);
          const g = state.page.groups.find((g) => g.label === item.folder);
          if (g) g.count = Math.max(0, g.count - 1);
          if (state.items.length === 0) { load(); return; }
          render();
        }

        async function undo() {
          const number = state.undo.pop();
          if (number === undefined) { toast("Nothing to undo"); return; }
          const answer = await post("/api/actions/" + number + "/undo");
          if (answer.status === "undone") toast("Undone: back in " + answer.location);
          else if (answer.status === "too_late") toast(answer.reason || "too late: already trained/archived");
          else toast("Not undone: " + (answer.reason || answer.status));
          load();
        }

        function selectedItem() { return state.loading ? undefined : state.items[state.selected]; }
        function correct(label) { const item = selectedItem(); if (item) act(item, "correct", label); }

        function candidates() {
          const typed = $("filter").value.trim().toLowerCase();
          const labels = state.page ? state.page.labels : [];
          return typed ? labels.filter((l) => l.toLowerCase().includes(typed)) : [];
        }

        function matches() {
          const list = candidates();
          $("matches").replaceChildren(...list.slice(0, 20).map((label, i) => {
            const li = el("li", { textContent: label, className: i === 0 ? "first" : "" });
            li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(label); });
            return li;
          }));
        }

        function choose(label) {
          $("filter").value = "";
          matches();
          $("filter").blur();
          correct(label);
        }

        $("filter").addEventListener("input", matches);
        $("filter").addEventListener("keydown", (e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            const typed = $("filter").value.trim();
            const list = candidates();
            const exact = list.find((l) => l.toLowerCase() === typed.toLowerCase());
            if (typed) choose(exact || list[0] || typed);
          } else if (e.key === "Escape") {
            $("filter").value = "";
            matches();
            $("filter").blur();
          }
        });
        // A pressed button gives the focus back, so the next Enter confirms again rather than pressing it twice.
        $("prev").addEventListener("click", () => { $("prev").blur(); state.offset = Math.max(0, state.offset - state.limit); state.selected = 0; load(); });
        $("next").addEventListener("click", () => { $("next").blur(); state.offset += state.limit; state.selected = 0; load(); });

        document.addEventListener("keydown", (e) => {
          if (e.target === $("filter") || e.ctrlKey || e.metaKey || e.altKey) return;
          const key = e.key;
          // Enter or Space on a button reached with Tab is that button's press only, never a confirmation too.
          if ((key === "Enter" || key === " ") && e.target.closest && e.target.closest("button")) return;
          if (key === "Enter") { e.preventDefault(); act(selectedItem(), "confirm"); }
          else if (/^[1-9]$/.test(key)) {
            const label = state.page && state.page.labels[Number(key) - 1];
            if (label) correct(label);
          }
          else if (key === "/") { e.preventDefault(); $("filter").focus(); }
          else if (key === "x" || key === "Delete") act(selectedItem(), "dismiss");
          else if (key === "u" || key === "Backspace") { e.preventDefault(); undo(); }
          else if (key === "ArrowRight" || key === "j") select(state.selected + 1);
          else if (key === "ArrowLeft" || key === "k") select(state.selected - 1);
          else if (key === "g" || key === "G") group(key === "g" ? 1 : -1);
          else if (key === "]") $("next").click();
          else if (key === "[") $("prev").click();
          else return;
        });

        load();

        """#
}
