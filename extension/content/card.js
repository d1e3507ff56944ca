/*
 * The card's DOM, built from the server's answer with createElement and textContent only:
 * no server text ever goes through innerHTML, and a link is made only from an http(s) URL.
 * Every field of the answer may be missing or null; each part of the card is left out
 * when it has nothing to show.
 *
 * Test hooks: the card carries data-claimscope="card", each match data-claimscope="match",
 * each official response data-claimscope="response".
 */
(function () {
  "use strict";
  const CS = (globalThis.ClaimScope = globalThis.ClaimScope || {});
  if (CS.card) return;

  const REPUBLISHERS_SHOWN = 3; // the rest behind "+N more"
  const PASSAGE_CONTEXT = 180; // characters of passage shown around the matched part
  const OTHER_CLAIM_CHARS = 160;

  const RELATIONS = {
    original: "original",
    verbatim: "verbatim copy",
    edited: "edited copy",
    excerpt: "excerpt",
    translation: "translation",
    cited: "cited",
  };
  const STANCES = new Set(["denies", "confirms", "disputes", "comments"]);

  // -- small helpers ------------------------------------------------------------------

  /** Create an element. `props`: class, text, dir, title, label (aria-label), hook
   * (data-claimscope), href (checked), attrs (plain attributes). Children: nodes or strings. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    const p = props || {};
    if (p.class) el.className = p.class;
    if (p.text !== undefined && p.text !== null) el.textContent = String(p.text);
    if (p.dir) el.dir = p.dir;
    if (p.title) el.title = String(p.title);
    if (p.label) el.setAttribute("aria-label", String(p.label));
    if (p.hook) el.setAttribute("data-claimscope", p.hook);
    if (p.attrs) for (const [k, v] of Object.entries(p.attrs)) el.setAttribute(k, String(v));
    if (tag === "a") {
      const href = safeHref(p.href);
      if (href) {
        el.href = href;
        el.target = "_blank";
        el.rel = "noopener noreferrer";
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      el.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  function safeHref(raw) {
    if (typeof raw !== "string" || !raw) return null;
    try {
      const url = new URL(raw);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_err) {
      return null;
    }
  }

  function str(value) {
    return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
  }

  function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
  }

  function outletName(outlet) {
    if (!outlet || typeof outlet !== "object") return "";
    return str(outlet.name) || str(outlet.domain);
  }

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /** "2016-09-26" → "26 Sep 2016"; "2016-06-04T01:04" → "4 Jun 2016, 01:04"; cut to the
   * date's precision ("year", "month", "day", "minute", ...). Anything else is shown as is. */
  function formatDate(value, precision) {
    const s = str(value);
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?/.exec(s);
    if (!m) return s;
    const [, y, mo, d, hh, mi] = m;
    const month = mo ? MONTHS[Number(mo) - 1] : null;
    if (!month || precision === "year") return y;
    if (!d || precision === "month") return `${month} ${y}`;
    const day = `${Number(d)} ${month} ${y}`;
    const withTime = hh && (!precision || precision === "minute" || precision === "hour" || precision === "second");
    return withTime ? `${day}, ${hh}:${mi}` : day;
  }

  function pubDate(pub) {
    if (!pub) return "";
    if (str(pub.published_at)) return formatDate(pub.published_at, str(pub.date_precision));
    if (str(pub.not_after)) return `no later than ${formatDate(pub.not_after, "day")}`;
    return "date unknown";
  }

  function pubSortKey(pub) {
    return str(pub && pub.published_at) || str(pub && pub.not_after) || "\uffff";
  }

  function link(text, href, cls) {
    const url = safeHref(href);
    return url ? h("a", { class: cls || "link", href: url, text }) : null;
  }

  function section(cls, title, ...children) {
    return h("section", { class: `part ${cls}` }, h("h3", { class: "part-title", text: title }), ...children);
  }

  // -- parts of the card --------------------------------------------------------------

  function pageNote(page) {
    if (!page || typeof page !== "object" || !page.in_index) return null;
    const rep = page.republication_of && typeof page.republication_of === "object" ? page.republication_of : null;
    const first = page.first_publication && typeof page.first_publication === "object" ? page.first_publication : null;
    if (rep || first) {
      const what = str(rep && rep.title) || outletName(rep && rep.outlet) || "an earlier article";
      const by = outletName(first && first.outlet) || outletName(rep && rep.outlet) || "an unknown outlet";
      const when = (first && str(first.published_at)) || (rep && str(rep.published_at));
      const whenText = when ? ` on ${formatDate(when, str(first && first.date_precision))}` : "";
      return h(
        "p",
        { class: "page-note", attrs: { role: "note" } },
        "You are reading a republication of ",
        h("q", { dir: "auto", text: what }),
        `, first published by `,
        h("strong", { dir: "auto", text: by }),
        `${whenText}.`,
      );
    }
    const outlet = outletName(page.outlet);
    return h("p", { class: "page-note", attrs: { role: "note" } }, "This page is in the ClaimScope index", outlet ? ` (${outlet}).` : ".");
  }

  function scoreBadge(match) {
    const score = typeof match.score === "number" ? Math.round(Math.max(0, Math.min(1, match.score)) * 100) : null;
    const strong = match.confidence === "high";
    return h(
      "span",
      { class: `score ${strong ? "score-high" : "score-suggestion"}`, title: "How closely the highlight matches" },
      score === null ? "?" : `${score}%`,
      h("span", { class: "score-label", text: strong ? " match" : " possible match" }),
    );
  }

  function passageBlock(passage) {
    const text = str(passage && passage.text);
    if (!text) return null;
    const full = String(passage.text);
    let start = passage.match_start;
    let end = passage.match_end;
    const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= full.length;
    const quote = h("blockquote", { class: "passage", dir: "auto" });
    if (!valid) {
      quote.append(truncate(full, PASSAGE_CONTEXT * 2));
      return quote;
    }
    const before = full.slice(Math.max(0, start - PASSAGE_CONTEXT), start);
    const after = full.slice(end, end + PASSAGE_CONTEXT);
    quote.append(
      start > PASSAGE_CONTEXT ? "…" : "",
      before,
      h("mark", { text: full.slice(start, end) }),
      after,
      end + PASSAGE_CONTEXT < full.length ? "…" : "",
    );
    return quote;
  }

  function bestMatch(match) {
    const doc = match.document && typeof match.document === "object" ? match.document : {};
    const claim = match.claim && typeof match.claim === "object" ? match.claim : {};
    const where = [];
    const title = str(doc.title);
    if (title) where.push(link(title, doc.url, "doc-title") || h("span", { class: "doc-title", dir: "auto", text: title }));
    const outlet = outletName(doc.outlet);
    if (outlet) where.push(h("span", { class: "outlet", dir: "auto", text: outlet }));
    if (str(doc.published_at)) where.push(h("span", { class: "date", text: formatDate(doc.published_at) }));
    if (match.is_current_page) where.push(h("span", { class: "badge", text: "this page" }));
    const whereLine = where.length
      ? h("p", { class: "where" }, "Found in ", ...where.flatMap((el, i) => (i ? [" · ", el] : [el])))
      : null;
    const passage = passageBlock(match.passage);
    return h(
      "section",
      { class: "part best", hook: "match", attrs: { "data-claim-id": str(claim.id) } },
      h("div", { class: "best-head" }, scoreBadge(match)),
      passage || (str(claim.text) ? h("blockquote", { class: "passage", dir: "auto", text: str(claim.text) }) : null),
      whereLine,
    );
  }

  function evidenceList(pub) {
    const items = Array.isArray(pub.evidence) ? pub.evidence.map(str).filter(Boolean) : [];
    if (!items.length) return null;
    return h(
      "details",
      { class: "evidence" },
      h("summary", { text: "How we know" }),
      h("ul", {}, ...items.map((e) => h("li", { dir: "auto", text: e }))),
    );
  }

  function firstPublication(pub) {
    if (!pub || typeof pub !== "object") {
      return section("first", "First published", h("p", { class: "muted", text: "Unknown: no earlier appearance is known." }));
    }
    const line = h(
      "p",
      { class: "pub" },
      h("strong", { class: "outlet", dir: "auto", text: outletName(pub.outlet) || "Unknown outlet" }),
      " · ",
      h("span", { class: "date", text: pubDate(pub) }),
    );
    const url = link("open", pub.url);
    if (url) line.append(" · ", url);
    if (pub.in_index === false) line.append(" ", h("span", { class: "badge badge-attr", text: "known through attribution" }));
    const title = str(pub.title);
    return section(
      "first",
      "First published",
      line,
      title ? h("p", { class: "pub-title", dir: "auto", text: title }) : null,
      evidenceList(pub),
    );
  }

  function republisherItem(pub) {
    const li = h(
      "li",
      { class: "rep" },
      h("span", { class: "date", text: pubDate(pub) }),
      " ",
      h("strong", { class: "outlet", dir: "auto", text: outletName(pub.outlet) || "Unknown outlet" }),
    );
    const relation = RELATIONS[str(pub.relation)] || str(pub.relation);
    if (relation) li.append(" ", h("span", { class: "relation", text: relation }));
    if (str(pub.attribution)) li.append(" ", h("span", { class: "attr", dir: "auto", text: `credits ${str(pub.attribution)}` }));
    if (pub.in_index === false) li.append(" ", h("span", { class: "badge badge-attr", text: "known through attribution" }));
    const url = link("open", pub.url);
    if (url) li.append(" · ", url);
    return li;
  }

  function republishers(list) {
    const pubs = (Array.isArray(list) ? list : []).filter((p) => p && typeof p === "object");
    if (!pubs.length) return null;
    pubs.sort((a, b) => (pubSortKey(a) < pubSortKey(b) ? -1 : pubSortKey(a) > pubSortKey(b) ? 1 : 0));
    const items = pubs.map(republisherItem);
    const ol = h("ol", { class: "timeline" }, ...items);
    const parts = [ol];
    if (items.length > REPUBLISHERS_SHOWN) {
      const hiddenItems = items.slice(REPUBLISHERS_SHOWN);
      for (const li of hiddenItems) li.hidden = true;
      const more = h("button", {
        class: "more",
        text: `+${hiddenItems.length} more`,
        attrs: { type: "button", "aria-expanded": "false" },
      });
      more.addEventListener("click", () => {
        for (const li of hiddenItems) li.hidden = false;
        more.remove();
        const first = hiddenItems[0].querySelector("a, button");
        if (first) first.focus();
      });
      parts.push(more);
    }
    return section("republishers", `Republished by (${pubs.length})`, ...parts);
  }

  function responseItem(r) {
    const stance = str(r.stance).toLowerCase();
    const who = [str(r.role), str(r.organization)].filter(Boolean).join(", ");
    const head = h(
      "p",
      { class: "response-head" },
      stance ? h("span", { class: `stance stance-${STANCES.has(stance) ? stance : "other"}`, text: stance }) : null,
      " ",
      h("strong", { class: "speaker", dir: "auto", text: str(r.speaker) || str(r.organization) || "An official" }),
      who && str(r.speaker) ? h("span", { class: "who", dir: "auto", text: `, ${who}` }) : null,
      str(r.date) ? h("span", { class: "date", text: ` · ${formatDate(r.date)}` }) : null,
    );
    const quote = str(r.quote) ? h("blockquote", { class: "quote", dir: "auto", text: str(r.quote) }) : null;
    const src = r.source && typeof r.source === "object" ? r.source : null;
    let source = null;
    if (src) {
      const label = str(src.title) || outletName(src.outlet);
      if (label) {
        source = h(
          "p",
          { class: "source" },
          "Recorded in ",
          link(label, src.url, "doc-title") || h("span", { dir: "auto", text: label }),
          str(src.title) && outletName(src.outlet) ? ` (${outletName(src.outlet)})` : "",
        );
      }
    }
    return h("article", { class: "response", hook: "response" }, head, quote, source);
  }

  function responses(list) {
    const items = (Array.isArray(list) ? list : []).filter((r) => r && typeof r === "object");
    if (!items.length) return null;
    return section("responses", "Official responses", ...items.map(responseItem));
  }

  function otherMatches(matches, server) {
    if (!matches.length) return null;
    const items = matches.map((m) => {
      const claim = m.claim && typeof m.claim === "object" ? m.claim : {};
      const text = str(claim.text) || str(m.passage && m.passage.text) || "(no text)";
      const li = h(
        "li",
        { class: "other", hook: "match", attrs: { "data-claim-id": str(claim.id) } },
        scoreBadge(m),
        " ",
        h("span", { class: "other-text", dir: "auto", text: truncate(text, OTHER_CLAIM_CHARS) }),
      );
      if (str(claim.id)) li.append(" ", link("view", CS.api ? CS.api.claimUrl(server, claim.id) : `${server}/claims/${claim.id}`));
      return li;
    });
    return section("others", "Other candidate matches", h("ul", { class: "other-list" }, ...items));
  }

  // -- states ------------------------------------------------------------------------

  function message(title, sentence, extra) {
    return h("div", { class: "state" }, h("p", { class: "state-title", text: title }), h("p", { class: "state-text", text: sentence }), extra || null);
  }

  /** The card body for a /v1/match answer. */
  function resultBody(data, server) {
    const body = [];
    const note = pageNote(data && data.page);
    if (note) body.push(note);
    const matches = (data && Array.isArray(data.matches) ? data.matches : []).filter((m) => m && typeof m === "object");
    if (!matches.length) {
      body.push(message("Not in the index yet", "ClaimScope knows no claim that matches this text. It may be new, or worded too differently from what is indexed."));
      return { state: "nomatch", body, footer: null };
    }
    const best = matches[0];
    const prov = best.provenance && typeof best.provenance === "object" ? best.provenance : {};
    body.push(bestMatch(best), firstPublication(prov.first_publication));
    const reps = republishers(prov.republishers);
    if (reps) body.push(reps);
    const resp = responses(prov.official_responses);
    if (resp) body.push(resp);
    const others = otherMatches(matches.slice(1), server);
    if (others) body.push(others);
    const claimId = best.claim && str(best.claim.id);
    const footer = claimId ? link("Open this claim in ClaimScope", CS.api ? CS.api.claimUrl(server, claimId) : `${server}/claims/${claimId}`, "claim-link") : null;
    return { state: "match", body, footer };
  }

  /** The card body for a failed request. `openOptions` makes the "Open options" button work. */
  function errorBody(error, server, openOptions) {
    const kind = error && error.kind;
    const optionsButton = () => {
      const b = h("button", { class: "action", text: "Open options", attrs: { type: "button" } });
      b.addEventListener("click", openOptions);
      return b;
    };
    const K = CS.ERROR_KINDS || {};
    let body;
    if (kind === K.UNREACHABLE) {
      body = message("Server unreachable", `ClaimScope can't reach the server at ${server}. Check that it is running, or change the server address in the options.`, optionsButton());
    } else if (kind === K.INVALID_KEY) {
      body = message("Invalid API key", "The server refused the API key. Set a valid key in the ClaimScope options.", optionsButton());
    } else if (kind === K.FORBIDDEN) {
      body = message("Not allowed", "The server does not allow this API key to look up text.", optionsButton());
    } else if (kind === K.TOO_LONG) {
      body = message("Selection too long", "The server accepts shorter highlights. Select a sentence or two and try again.");
    } else if (kind === K.RATE_LIMITED) {
      body = message("Too many requests", "The server asks to slow down. Try again in a moment.");
    } else if (kind === "extension") {
      body = message("Extension updated", "ClaimScope was updated or reloaded. Reload this page and try again.");
    } else {
      const detail = str(error && error.message);
      body = message("Server error", `The server could not answer this time${detail ? `: ${truncate(detail, 200)}` : "."}`);
    }
    return { state: kind === K.INVALID_KEY ? "invalid-key" : kind === K.UNREACHABLE ? "offline" : "error", body: [body], footer: null };
  }

  function loadingBody() {
    return {
      state: "loading",
      body: [h("div", { class: "state loading", attrs: { role: "status" } }, h("span", { class: "spinner", attrs: { "aria-hidden": "true" } }), h("span", { class: "state-text", text: "Looking up where this came from…" }))],
      footer: null,
    };
  }

  /**
   * The card shell: header with the close button, a body and a footer, filled by `fill`.
   * Returns {card, fill(parts), closeButton}.
   */
  function shell(onClose) {
    const closeButton = h("button", { class: "close", label: "Close ClaimScope card", title: "Close (Esc)", text: "×", attrs: { type: "button" } });
    closeButton.addEventListener("click", onClose);
    const titleId = "claimscope-card-title";
    const body = h("div", { class: "body" });
    const footer = h("footer", { class: "footer" });
    const card = h(
      "div",
      { class: "card", hook: "card", attrs: { role: "dialog", "aria-labelledby": titleId, tabindex: "-1", dir: "ltr" } },
      h(
        "header",
        { class: "header" },
        h("span", { class: "brand", attrs: { id: titleId } }, h("span", { class: "logo", attrs: { "aria-hidden": "true" }, text: "◎" }), " ClaimScope"),
        h("span", { class: "tagline", text: "where did this come from?" }),
        closeButton,
      ),
      body,
      footer,
    );
    function fill(parts) {
      card.setAttribute("data-state", parts.state);
      card.setAttribute("aria-busy", parts.state === "loading" ? "true" : "false");
      body.replaceChildren(...parts.body);
      footer.replaceChildren(...(parts.footer ? [parts.footer] : []));
      footer.hidden = !parts.footer;
    }
    return { card, fill, closeButton };
  }

  CS.card = { shell, resultBody, errorBody, loadingBody, formatDate, safeHref, h };
})();
